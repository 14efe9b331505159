import { useSyncExternalStore } from "react";

export type ThemeChoice = "light" | "dark" | "system";
const KEY = "atrium.theme";
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  const saved = localStorage.getItem(KEY);
  return saved === "light" || saved === "dark" ? saved : "system";
}

/** Sets `data-theme` on <html> (styles/tokens.css reads it); "system" follows the OS. */
export function applyTheme(choice: ThemeChoice = read()): void {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function setTheme(choice: ThemeChoice): void {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  applyTheme(choice);
  for (const listener of listeners) listener();
}

/** The effective theme: the choice, or the OS preference. */
export function effectiveTheme(): "light" | "dark" {
  const choice = read();
  if (choice !== "system") return choice;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function useTheme(): "light" | "dark" {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", listener);
    return () => {
      listeners.delete(listener);
      media.removeEventListener("change", listener);
    };
  }, effectiveTheme);
}
