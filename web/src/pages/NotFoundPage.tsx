import { Link } from "@tanstack/react-router";

export function NotFoundPage() {
  return (
    <main className="page page-narrow" id="main">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/chat">Go to your conversations</Link>.
      </p>
    </main>
  );
}
