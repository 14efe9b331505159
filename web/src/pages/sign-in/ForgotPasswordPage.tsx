import { Link } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextField } from "../../ui/TextField";
import { AuthLayout } from "./AuthLayout";

export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const answer = unwrap(await api.POST("/auth/password/forgot", { body: { email } }));
      setSent(answer.message);
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title="Reset your password">
      {sent ? (
        <p className="notice notice-info" role="status">
          {sent}
        </p>
      ) : (
        <Form onSubmit={submit} className="stack">
          <p>We will send a link to choose a new password.</p>
          <TextField label="Email" type="email" isRequired value={email} onChange={setEmail} />
          <ErrorNotice error={error} />
          <Button type="submit" variant="primary" isPending={pending}>
            Send the link
          </Button>
        </Form>
      )}
      <p className="auth-links">
        <Link to="/sign-in" search={{}}>
          Back to sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
