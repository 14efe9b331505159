/**
 * Given names for the lexicon person detector: common first names in English, Spanish, Portuguese,
 * French, German, Dutch, Italian, Nordic, Polish, Arabic, Turkish, Indian, Chinese, Japanese and
 * African usage (compiled by hand for Atrium; not exhaustive — names outside it are found by the
 * context rules). Lower-case, ASCII and accented forms both listed where they differ.
 */
const NAMES = `
james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob
gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander patrick
raymond jack dennis jerry tyler aaron jose adam nathan henry zachary douglas peter kyle noah ethan jeremy
walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan
billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent liam mason lucas oliver
owen caleb luke isaac hunter connor evan ian cameron adrian colin gavin leo oscar felix hugo theo toby
alfie archie freddie harry charlie jamie callum rory finn declan niall conor ciaran seamus eoin
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret
ashley kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca sharon laura
cynthia amy kathleen angela shirley brenda emma anna pamela nicole samantha katherine christine helen
debra rachel carolyn janet maria catherine heather diane olivia julie joyce victoria ruth virginia lauren
kelly christina joan evelyn judith andrea hannah megan cheryl jacqueline martha madison teresa gloria
sara janice ann kathryn abigail sophia frances jean alice judy isabella julia grace amber denise danielle
marilyn beverly charlotte natalie theresa diana brittany doris kayla alexis lori marie chloe ella ava mia
zoe lily lucy ellie sophie jessie holly megan bethany eleanor harriet imogen phoebe poppy isla freya
siobhan aoife niamh saoirse ciara orla
josé juan carlos luis miguel javier francisco antonio manuel pedro alejandro fernando jorge ricardo
rafael sergio pablo diego andrés andres raúl raul enrique ramón ramon alberto álvaro alvaro iñigo inigo
jesús jesus ignacio gonzalo rodrigo mateo santiago sebastián sebastian nicolás nicolas emilio joaquín joaquin
lucía lucia carmen isabel ana laura marta elena cristina pilar rosa dolores teresa paula sofía sofia
valentina camila daniela gabriela mariana fernanda alejandra adriana beatriz inés ines rocío rocio
nuria montserrat alba irene silvia raquel patricia mercedes consuelo guadalupe ximena renata jimena
joão joao pedro tiago gonçalo goncalo rui nuno vasco bruno thiago gustavo leonardo rafaela beatriz
mariana inês matilde leonor carolina letícia leticia fernanda juliana
jean pierre jacques michel philippe alain bernard françois francois patrick nicolas christophe olivier
laurent stéphane stephane julien sébastien sebastien thierry éric frédéric frederic antoine mathieu
guillaume maxime romain vincent benoît benoit yves luc rené rene gilles hervé herve didier thibault
marie nathalie isabelle sylvie catherine françoise francoise valérie valerie sandrine céline celine
sophie christine stéphanie stephanie aurélie aurelie camille chloé chloe léa lea manon juliette amélie
amelie élodie elodie mathilde margaux pauline claire anaïs anais émilie emilie océane oceane inès
hans peter klaus jürgen jurgen wolfgang michael thomas andreas stefan frank uwe dieter günter gunter
horst helmut werner karl heinz manfred matthias markus tobias florian lukas jonas maximilian felix
moritz niklas jan tim fabian sebastian dominik philipp johannes christoph sven torsten dirk jörg jorg
ursula ursel monika petra sabine susanne claudia andrea birgit gabriele renate karin heike katrin
stefanie julia anna lena lea laura leonie hannah sophie mia emma lina marie johanna katharina franziska
jannik jana anke silke ute gisela ingrid hildegard greta
jan pieter piet kees henk willem johannes hendrik gerrit dirk bas bram daan sem thijs ruben joost
maarten wouter sander stijn jeroen niels bart koen luuk lars jesse
anke annemieke femke sanne lotte eva fleur iris roos anouk marieke inge ingrid marloes maaike esther
giuseppe giovanni francesco antonio mario luigi paolo marco andrea alessandro matteo lorenzo davide
simone federico riccardo stefano roberto fabio massimo luca giorgio gianluca salvatore vincenzo
giulia chiara francesca sara alessia martina valentina elisa federica silvia paola roberta giorgia
alessandra elena beatrice aurora ginevra
lars erik anders nils olof johan karl magnus henrik mikael sven bjorn björn leif per gunnar ola
ingrid astrid sigrid karin kristina linnea elsa maja freja saga ebba solveig hanne liv
piotr krzysztof tomasz paweł pawel marcin michał michal grzegorz jakub łukasz lukasz kamil wojciech
anna katarzyna małgorzata malgorzata agnieszka ewa joanna magdalena zofia aleksandra natalia
mohammed muhammad mohamed ahmed ahmad ali omar hassan hussein khalid youssef yusuf ibrahim mustafa
karim tariq samir rami bilal hamza amir nabil walid
fatima aisha aïsha layla leila zainab mariam maryam noor nour yasmin yasmine salma hana huda amira
mehmet mustafa ahmet emre burak can cem murat kemal serkan hakan ayşe ayse fatma zeynep elif emine
raj rahul amit anil vijay sanjay suresh ramesh arjun rohan vikram karan aditya nikhil siddharth
priya ananya deepa divya kavya lakshmi meera neha pooja riya sunita anjali shreya ishaan
wei jun ming hao lei jie yang chen li xiao mei ling yan fang hui ying jing
hiroshi takeshi kenji yuki haruto sota ren akira taro daisuke kenta
yuki sakura hana aiko yui rin haruka misaki naoko keiko emi
kwame kofi kwesi yaw chinedu emeka obinna chidi tunde femi segun sipho thabo themba
amara ngozi chiamaka adaeze folake funmi nia zawadi ayana
dmitri dmitry sergei sergey ivan alexei alexey mikhail nikolai vladimir andrei igor oleg
olga natasha natalia tatiana svetlana irina elena yulia anastasia ekaterina
`;

export const GIVEN_NAMES: ReadonlySet<string> = new Set(NAMES.split(/\s+/).filter(Boolean));

/**
 * Names that are also ordinary words or places: a person only when a surname follows (or the
 * context says so), never on their own.
 */
export const AMBIGUOUS_NAMES: ReadonlySet<string> = new Set(
  `may june april august will bill mark grace hope joy faith rose amber jade summer victoria paris
  florence georgia virginia austin jordan chase hunter page dean guy art iris ivy lily daisy holly ruby
  angel max frank earl rich sunny don carol jean jan per can li pilar rosa mercedes dolores claire liv
  saga ola mai mei ren rin sem bas bram mars nur noor hana ling jie lei yang chen hao yan fang hui ying
  jing wei jun ming alba fleur roos emi nia wayne jack joyce camille luc sky`.split(/\s+/),
);
