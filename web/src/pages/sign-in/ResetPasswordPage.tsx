import { getRouteApi, Link } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextField } from "../../ui/TextField";
import { AuthLayout } from "./AuthLayout";

const route = getRouteApi("/reset-password");
export const MIN_PASSWORD = 10;

export function ResetPasswordPage() {
  const { token } = route.useSearch();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      unwrap(await api.POST("/auth/password/reset", { body: { token, password } }));
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title="Choose a new password">
      {!token && <ErrorNotice error={new Error("This link has no reset token; ask for a new link.")} />}
      {done ? (
        <p className="notice notice-info" role="status">
          Your password has been changed and every session has ended.{" "}
          <Link to="/sign-in" search={{}}>
            Sign in
          </Link>
        </p>
      ) : (
        <Form onSubmit={submit} className="stack">
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            isRequired
            minLength={MIN_PASSWORD}
            description={`At least ${MIN_PASSWORD} characters`}
            value={password}
            onChange={setPassword}
          />
          <TextField
            label="Repeat the new password"
            type="password"
            autoComplete="new-password"
            isRequired
            value={confirm}
            onChange={setConfirm}
            validate={(value) => (value === password ? null : "The passwords differ")}
          />
          <ErrorNotice error={error} />
          <Button type="submit" variant="primary" isPending={pending} isDisabled={!token}>
            Change password
          </Button>
        </Form>
      )}
    </AuthLayout>
  );
}
