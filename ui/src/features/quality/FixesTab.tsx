// The Quality view's Fixes tab: normalisations.
/** `field`: the field to open on, when the Overview sent the user here. */
type Props = { field?: string; onError: (error: unknown) => void };

export function FixesTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
