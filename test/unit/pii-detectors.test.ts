import { describe, expect, it } from "vitest";
import { scoreSpans } from "../../bench/pii-scores.js";
import { createDetector } from "../../src/services/pii/detect.js";
import { luhnValid } from "../../src/services/pii/detectors/card.js";
import { patternProblem } from "../../src/services/pii/detectors/custom.js";
import { ibanChecksumValid } from "../../src/services/pii/detectors/iban.js";
import { bsnValid, dniValid } from "../../src/services/pii/detectors/national-id.js";
import {
  maskText,
  PlaceholderMap,
  rehydrate,
  StreamingRehydrator,
} from "../../src/services/pii/placeholders.js";

const detect = createDetector();
const found = (text: string, d = detect) => d(text).map((s) => `${s.kind}:${text.slice(s.start, s.end)}`);

describe("PII detectors", () => {
  it("finds e-mail addresses, including internationalised ones", () => {
    expect(found("write to anna.smith+hr@example.co.uk or josé@correo.es.")).toEqual([
      "EMAIL:anna.smith+hr@example.co.uk",
      "EMAIL:josé@correo.es",
    ]);
    expect(found("not an address: a@b, @handle, user@localhost")).toEqual([]);
  });

  it("finds phone numbers of any region, international or national, and not record numbers or dates", () => {
    expect(found("call +44 20 7946 0958, 0049 151 23456789 or (415) 555-0132")).toEqual([
      "PHONE:+44 20 7946 0958",
      "PHONE:0049 151 23456789",
      "PHONE:(415) 555-0132",
    ]);
    expect(found("appelez le 06 12 34 56 78 ou +81 3-1234-5678")).toEqual([
      "PHONE:06 12 34 56 78",
      "PHONE:+81 3-1234-5678",
    ]);
    expect(found("Order #4821337790, invoice INV-2024-36924, on 2024-03-12, Fattura n. 694/2023")).toEqual(
      [],
    );
  });

  it("checks IBANs (mod 97) in compact, grouped and lower-case forms", () => {
    expect(ibanChecksumValid("DE89370400440532013000")).toBe(true);
    expect(ibanChecksumValid("DE88370400440532013000")).toBe(false);
    expect(found("IBAN DE89 3704 0044 0532 0130 00 and gb29nwbk60161331926819.")).toEqual([
      "IBAN:DE89 3704 0044 0532 0130 00",
      "IBAN:gb29nwbk60161331926819",
    ]);
    expect(found("DE88 3704 0044 0532 0130 00")).not.toContain("IBAN:DE88 3704 0044 0532 0130 00");
  });

  it("checks card numbers with Luhn and the networks' prefixes", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(found("card 4111 1111 1111 1111, amex 3782 822463 10005")).toEqual([
      "CREDIT_CARD:4111 1111 1111 1111",
      "CREDIT_CARD:3782 822463 10005",
    ]);
    expect(found("reference 4111 1111 1111 1112")).toEqual([]);
  });

  it("finds IPv4 and IPv6 addresses but not version strings or times", () => {
    expect(found("from 192.168.1.20 and fe80::1ff:fe23:4567:890a and ::ffff:10.0.0.1")).toEqual([
      "IP_ADDRESS:192.168.1.20",
      "IP_ADDRESS:fe80::1ff:fe23:4567:890a",
      "IP_ADDRESS:::ffff:10.0.0.1",
    ]);
    expect(found("version 10.0.19041.1 at 12:30:45, v1.2.3.4")).toEqual([]);
  });

  it("finds the organisation's chosen national identifiers, with their checks", () => {
    expect(dniValid(undefined, "12345678", "Z")).toBe(true);
    expect(dniValid("X", "1234567", "L")).toBe(true);
    expect(bsnValid("111222333")).toBe(true);
    expect(bsnValid("111222334")).toBe(false);
    const text = "SSN 123-45-6789, NINO AB 12 34 56 C, DNI 12345678Z, NIE X1234567L, BSN: 111222333";
    expect(found(text)).toEqual([
      "NATIONAL_ID:123-45-6789",
      "NATIONAL_ID:AB 12 34 56 C",
      "NATIONAL_ID:12345678Z",
      "NATIONAL_ID:X1234567L",
      "NATIONAL_ID:111222333",
    ]);
    // A wrong check letter, a BSN without its cue, an impossible SSN.
    expect(found("12345678A, 111222333, 000-12-3456").filter((f) => f.startsWith("NATIONAL_ID"))).toEqual([]);
    // Only the catalogue entries the organisation chose.
    expect(
      found(text, createDetector({ nationalIds: ["ES_DNI"] })).filter((f) => f.startsWith("NATIONAL_ID")),
    ).toEqual(["NATIONAL_ID:12345678Z", "NATIONAL_ID:X1234567L"]);
  });

  it("finds dates of birth only in context, in several languages", () => {
    expect(
      found(
        "born on 12 March 1985; DOB: 03/04/1990; fecha de nacimiento: 5 de mayo de 1979; geboren am 1.2.1970",
      ),
    ).toEqual([
      "DATE_OF_BIRTH:12 March 1985",
      "DATE_OF_BIRTH:03/04/1990",
      "DATE_OF_BIRTH:5 de mayo de 1979",
      "DATE_OF_BIRTH:1.2.1970",
    ]);
    expect(found("The meeting is on 12/03/2024; deadline 2024-05-01.")).toEqual([]);
  });

  it("finds person names: lexicon with surnames, honorifics, introductions, sign-offs, the directory", () => {
    const d = createDetector({ directory: ["Kwame Asante-Boateng"] });
    expect(found("Jan van der Berg and Mr. Okonkwo met Kwame Asante-Boateng. Regards,\nTendai", d)).toEqual([
      "PERSON:Jan van der Berg",
      "PERSON:Okonkwo",
      "PERSON:Kwame Asante-Boateng",
      "PERSON:Tendai",
    ]);
    expect(found("me llamo Xiomara Quispe")).toEqual(["PERSON:Xiomara Quispe"]);
    expect(found("May I take Friday off? Will the Paris office be open? Microsoft Teams crashed.")).toEqual(
      [],
    );
  });

  it("applies a namespace's own patterns and dictionaries, and refuses dangerous patterns", () => {
    const d = createDetector({
      patterns: [{ kind: "EMPLOYEE_ID", pattern: "EMP-\\d{6}" }],
      dictionaries: [{ kind: "PROJECT", terms: ["Project Bluebird"] }],
    });
    expect(found("EMP-123456 works on project bluebird", d)).toEqual([
      "EMPLOYEE_ID:EMP-123456",
      "PROJECT:project bluebird",
    ]);
    expect(patternProblem("(a+)+$")).toMatch(/repeat/);
    expect(patternProblem("(")).toMatch(/not a valid/);
    expect(patternProblem("x*")).toMatch(/empty/);
    expect(patternProblem("\\d{4}")).toBeUndefined();
  });
});

describe("placeholders", () => {
  it("gives the same value the same placeholder, across writings and turns", () => {
    const map = new PlaceholderMap();
    const first = maskText("mail anna@example.com or call +44 20 7946 0958", detect, map);
    expect(first.text).toBe("mail <EMAIL_1> or call <PHONE_1>");
    const next = new PlaceholderMap(map.entries());
    const second = maskText("ANNA@example.com, +442079460958, bob@example.com", detect, next);
    expect(second.text).toBe("<EMAIL_1>, <PHONE_1>, <EMAIL_2>");
    expect(next.added.map((e) => e.placeholder)).toEqual(["<EMAIL_2>"]);
  });

  it("rehydrates known placeholders and counts invented ones", () => {
    const map = new PlaceholderMap([{ placeholder: "<EMAIL_1>", kind: "EMAIL", value: "anna@example.com" }]);
    expect(rehydrate("Write to <EMAIL_1>, not <EMAIL_7>.", map)).toEqual({
      text: "Write to anna@example.com, not <EMAIL_7>.",
      unknown: 1,
    });
  });

  it("rehydrates a stream whose placeholders are split across tokens", () => {
    const map = new PlaceholderMap([
      { placeholder: "<EMAIL_1>", kind: "EMAIL", value: "anna@example.com" },
      { placeholder: "<PERSON_12>", kind: "PERSON", value: "Anna Smith" },
    ]);
    const tokens = [
      "Hi <",
      "PER",
      "SON_1",
      "2>, write ",
      "to <EMAIL",
      "_1",
      ">. 3 < 4 and <b>",
      " <PERSON_9",
      ">",
      " <EMA",
    ];
    const stream = new StreamingRehydrator(map);
    const out = tokens.map((t) => stream.push(t)).join("") + stream.flush();
    expect(out).toBe("Hi Anna Smith, write to anna@example.com. 3 < 4 and <b> <PERSON_9> <EMA");
    expect(stream.unknown).toBe(1);
  });
});

describe("eval:pii scores", () => {
  it("counts overlapping spans of the same kind", () => {
    const [email, phone] = scoreSpans(
      [
        {
          gold: [
            { type: "EMAIL", start: 0, end: 10 },
            { type: "PHONE", start: 20, end: 30 },
          ],
          predicted: [
            { type: "EMAIL", start: 2, end: 8 },
            { type: "EMAIL", start: 20, end: 30 },
          ],
        },
      ],
      ["EMAIL", "PHONE"],
    );
    expect(email).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(phone).toMatchObject({ precision: 0, recall: 0, support: 1 });
  });
});
