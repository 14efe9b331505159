import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useRouter } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { session } from "../../api/session";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextField } from "../../ui/TextField";
import { AuthLayout, safeReturnPath } from "./AuthLayout";

const route = getRouteApi("/sign-in");

export function SignInPage() {
  const search = route.useSearch();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const providers = useQuery({
    queryKey: ["auth-providers"],
    queryFn: async () => unwrap(await api.GET("/auth/providers")),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const returnTo = safeReturnPath(search.redirect);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await session.signIn(email, password);
      router.history.push(returnTo);
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout title="Sign in">
      {search.expired && (
        <p className="notice notice-info" role="status">
          Your session has ended. Sign in again to continue where you were.
        </p>
      )}
      {search.error && <ErrorNotice error={new Error(search.error)} />}
      <Form onSubmit={submit} className="stack">
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          isRequired
          value={email}
          onChange={setEmail}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          isRequired
          value={password}
          onChange={setPassword}
        />
        <ErrorNotice error={error} />
        <Button type="submit" variant="primary" isPending={pending}>
          Sign in
        </Button>
      </Form>
      {(providers.data?.oauth.length ?? 0) > 0 && (
        <div className="stack oauth">
          <p className="divider">or</p>
          {providers.data?.oauth.map((provider) => (
            <a
              key={provider.id}
              className="btn btn-secondary"
              href={`/auth/oauth/${provider.id}/start?returnTo=${encodeURIComponent(returnTo)}`}
            >
              Continue with {provider.label}
            </a>
          ))}
        </div>
      )}
      <p className="auth-links">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthLayout>
  );
}
