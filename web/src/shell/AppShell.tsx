import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { Brain, LogOut, Moon, Sun, UserRound } from "lucide-react";
import { Menu, MenuItem, MenuTrigger, Popover, Separator } from "react-aria-components";
import { session } from "../api/session";
import { useMe } from "../auth/me";
import { setTheme, useTheme } from "../lib/theme";
import { NotificationBell } from "../notifications/NotificationBell";
import { Button } from "../ui/Button";
import { ErrorNotice } from "../ui/ErrorNotice";
import { visibleItems } from "./nav-items";

/** The frame of every signed-in page: skip link, navigation by permission, theme and account. */
export function AppShell() {
  const me = useMe();
  const items = visibleItems(me.data?.permissions ?? []);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/chat" className="brand" aria-label="Atrium home">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>Atrium</span>
        </Link>
        <nav aria-label="Main" className="mainnav">
          {items.map((item) => (
            <Link key={item.to} to={item.to} activeProps={{ "aria-current": "page", className: "active" }}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-actions">
          <NotificationBell />
          <ThemeToggle />
          <AccountMenu name={me.data?.name ?? me.data?.email ?? ""} email={me.data?.email ?? ""} />
        </div>
      </header>
      <ErrorNotice error={me.error} title="Your account could not be loaded." />
      <Outlet />
    </div>
  );
}

function ThemeToggle() {
  const theme = useTheme();
  const next = theme === "dark" ? "light" : "dark";
  return (
    <Button variant="ghost" aria-label={`Use the ${next} theme`} onPress={() => setTheme(next)}>
      {theme === "dark" ? <Sun aria-hidden size={18} /> : <Moon aria-hidden size={18} />}
    </Button>
  );
}

function AccountMenu({ name, email }: { name: string; email: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = async () => {
    await session.signOut();
    queryClient.clear();
    await navigate({ to: "/sign-in", search: {} });
  };
  return (
    <MenuTrigger>
      <Button variant="ghost" aria-label={`Account: ${name}`}>
        <UserRound aria-hidden size={18} />
      </Button>
      <Popover placement="bottom end" className="popover">
        <Menu
          className="menu"
          aria-label="Account"
          onAction={(key) => {
            if (key === "sign-out") void signOut();
            if (key === "memory") void navigate({ to: "/memory" });
          }}
        >
          <MenuItem id="who" className="menu-item menu-label" isDisabled textValue={email}>
            <span className="who-name">{name}</span>
            <span className="who-email">{email}</span>
          </MenuItem>
          <Separator className="menu-separator" />
          <MenuItem id="memory" className="menu-item">
            <Brain aria-hidden size={16} /> Your memory
          </MenuItem>
          <MenuItem id="sign-out" className="menu-item">
            <LogOut aria-hidden size={16} /> Sign out
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
