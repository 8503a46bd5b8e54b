// The first-run welcome above the home view, in the manner of HubSpot's
// onboarding checklist: on the demo it says the leads are made up and offers
// three first steps, each one click to its view; on an empty workspace it
// says how to import. Dismissing it is remembered in the workspace file.
import type { Welcome as WelcomeKind } from "../../bindings/Welcome";
import type { ViewKey } from "../../App";
import { formatCount } from "../../lib/format";
import { useDismissWelcome, useWelcome } from "../../lib/queries";
import "./welcome.css";

type Props = {
  /** The workspace's path (or name): whose welcome this is. */
  workspace: string;
  leadCount: number;
  /** Opens a view (after asking about unsaved work). */
  onOpen: (view: ViewKey) => void;
  /** After the welcome is dismissed (and its buttons are gone). */
  onDismissed?: () => void;
  onError: (error: unknown) => void;
};

type FirstStep = { view: ViewKey; title: string; text: string };

/** The three first steps, in the order a marketer takes them. */
export const FIRST_STEPS: FirstStep[] = [
  {
    view: "import",
    title: "Import your CSV",
    text: "Bring in an export from HubSpot, Salesforce, Zoho or Pipedrive, or any CSV of leads.",
  },
  {
    view: "segments",
    title: "Build a segment",
    text: "Pick leads by who they are and what they did, and see the count as you go.",
  },
  {
    view: "streams",
    title: "Design a stream",
    text: "Draw a nurture journey and see who would receive what, and when.",
  },
];

/** The welcome's opening sentence for this kind of workspace. */
export function welcomeIntro(kind: WelcomeKind, leadCount: number): string {
  if (kind === "demo") {
    return (
      `This is demo data: ${formatCount(leadCount)} made-up leads with a year of events, ` +
      "sample segments and nurture streams. Try anything here; no real person is contacted. " +
      "For your own leads, create a workspace from the workspace menu (New workspace…) and import them there."
    );
  }
  return (
    "This workspace has no leads yet. To import them, drop a CSV file anywhere on this window, " +
    "or open Import and choose the file; Leadstream suggests how each column maps and shows a preview before anything is saved."
  );
}

export function Welcome({ workspace, leadCount, onOpen, onDismissed, onError }: Props) {
  const welcome = useWelcome(workspace);
  const dismiss = useDismissWelcome(workspace);
  const kind = welcome.data;
  if (!kind) return null;

  return (
    <section className="welcome" aria-labelledby="welcome-title" data-testid="welcome" data-kind={kind}>
      <div className="welcome-head">
        <h2 id="welcome-title">{kind === "demo" ? "Welcome to Leadstream" : "Start by importing your leads"}</h2>
        <button
          className="link"
          data-testid="welcome-dismiss"
          disabled={dismiss.isPending}
          onClick={() => dismiss.mutate(undefined, { onSuccess: onDismissed, onError })}
        >
          Dismiss
        </button>
      </div>
      <p data-testid="welcome-intro">{welcomeIntro(kind, leadCount)}</p>
      <ol className="welcome-steps">
        {FIRST_STEPS.map((step, index) => (
          <li key={step.view}>
            <button
              className={index === 0 ? "welcome-step primary" : "welcome-step"}
              data-testid={`welcome-step-${step.view}`}
              onClick={() => onOpen(step.view)}
            >
              <span className="welcome-step-title">
                {index + 1}. {step.title}
              </span>
              <span className="welcome-step-text">{step.text}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
