import { getRouteApi, useRouter } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { session } from "../../api/session";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextField } from "../../ui/TextField";
import { AuthLayout } from "./AuthLayout";
import { MIN_PASSWORD } from "./ResetPasswordPage";

const route = getRouteApi("/accept-invitation");

export function AcceptInvitationPage() {
  const { token } = route.useSearch();
  const router = useRouter();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const accepted = unwrap(await api.POST("/invitations/accept", { body: { token, name, password } }));
      // Accepting answers with a JSON token pair (for API clients). The web keeps its refresh token in
      // a cookie only: sign in through the cookie route and end the pair's session straight away.
      await session.signIn(accepted.user.email, password);
      await fetch("/auth/logout", {
        method: "POST",
        headers: { authorization: `Bearer ${accepted.tokens.accessToken}` },
      }).catch(() => undefined);
      router.history.push("/chat");
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title="Join your organisation">
      {!token && <ErrorNotice error={new Error("This link has no invitation token.")} />}
      <Form onSubmit={submit} className="stack">
        <TextField label="Your name" autoComplete="name" isRequired value={name} onChange={setName} />
        <TextField
          label="Choose a password"
          type="password"
          autoComplete="new-password"
          isRequired
          minLength={MIN_PASSWORD}
          description={`At least ${MIN_PASSWORD} characters`}
          value={password}
          onChange={setPassword}
        />
        <ErrorNotice error={error} />
        <Button type="submit" variant="primary" isPending={pending} isDisabled={!token}>
          Accept the invitation
        </Button>
      </Form>
    </AuthLayout>
  );
}
