import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError } from "./api/errors";
import { session } from "./api/session";
import { applyTheme } from "./lib/theme";
import { createAppRouter } from "./router";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/chat.css";

applyTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal or a missing resource will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
  queryCache: new QueryCache(),
});

const router = createAppRouter(queryClient);

// A session the server no longer accepts sends the person to sign in, and back here afterwards.
session.onExpired(() => {
  queryClient.clear();
  const here = router.state.location.href;
  if (router.state.location.pathname !== "/sign-in") {
    void router.navigate({ to: "/sign-in", search: { redirect: here, expired: true } });
  }
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
