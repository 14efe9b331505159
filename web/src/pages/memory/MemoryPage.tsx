import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from "react-aria-components";
import { api } from "../../api/client";
import { ApiError, unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";
import { fullDate } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import "../../styles/memory.css";

type Profile = ResponseOf<"/me/profile", "get">;

/**
 * What the assistants remember about the signed-in person (GET /me/profile), and erasing it
 * (DELETE /me/profile): everyone may read and erase their own, whatever their role.
 */
export function MemoryPage() {
  const queryClient = useQueryClient();
  const profile = useQuery({
    queryKey: ["me", "profile"],
    queryFn: async (): Promise<Profile | null> => {
      try {
        return unwrap(await api.GET("/me/profile"));
      } catch (error) {
        // No profile yet is a state of the page, not a failure.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
  const erase = useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/me/profile")),
    onSuccess: () => {
      queryClient.setQueryData(["me", "profile"], null);
      notify("Your memory profile was erased.");
    },
  });

  return (
    <main className="page page-narrow memory" id="main">
      <h1>Your memory</h1>
      <p className="muted">
        The assistants build a short profile from your conversations so that they can answer with what you are
        working on in mind. You can erase it at any time: conversations before that moment are never used for
        it again.
      </p>
      {profile.isPending && <Spinner label="Loading your memory profile" />}
      <ErrorNotice error={profile.error} />
      {profile.data === null && (
        <p className="notice notice-info" role="status">
          There is no memory profile for you yet. It is built from your conversations with the assistants.
        </p>
      )}
      {profile.data && <ProfileView profile={profile.data} />}
      {profile.data !== undefined && (
        <section aria-labelledby="erase-heading" className="card erase">
          <h2 id="erase-heading">Erase your memory</h2>
          <p className="muted">
            Removes the profile now. Your conversations stay; only what is said from now on can build a new
            profile.
          </p>
          <DialogTrigger>
            <Button variant="danger">Erase my memory profile</Button>
            <ModalOverlay className="modal-overlay modal-overlay-center" isDismissable>
              <Modal className="modal modal-center">
                <Dialog className="dialog" role="alertdialog">
                  {({ close }) => (
                    <>
                      <Heading slot="title">Erase your memory profile?</Heading>
                      <p>The assistants will forget what they learned about you. This cannot be undone.</p>
                      <div className="dialog-actions">
                        <Button onPress={close}>Cancel</Button>
                        <Button
                          variant="danger"
                          isPending={erase.isPending}
                          onPress={() => erase.mutate(undefined, { onSuccess: close })}
                        >
                          Erase
                        </Button>
                      </div>
                      <ErrorNotice error={erase.error} />
                    </>
                  )}
                </Dialog>
              </Modal>
            </ModalOverlay>
          </DialogTrigger>
        </section>
      )}
    </main>
  );
}

function ProfileView({ profile }: { profile: Profile }) {
  const preferences = Object.entries(profile.preferences);
  return (
    <section aria-labelledby="profile-heading" className="card profile">
      <h2 id="profile-heading">What the assistants remember</h2>
      <p>{profile.summary || "No summary yet."}</p>
      {profile.currentProjects.length > 0 && (
        <>
          <h3>Current projects</h3>
          <ul>
            {profile.currentProjects.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {preferences.length > 0 && (
        <>
          <h3>Preferences</h3>
          <dl className="preferences">
            {preferences.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {profile.frequentIntents.length > 0 && (
        <>
          <h3>What you often ask about</h3>
          <ul>
            {profile.frequentIntents.map((i) => (
              <li key={i.intent}>
                {i.intent} ({i.count})
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted">
        Version {profile.profileVersion}
        {profile.lastExtractedAt ? `, last updated ${fullDate(profile.lastExtractedAt)}` : ""}
      </p>
    </section>
  );
}
