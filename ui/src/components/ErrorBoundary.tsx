// Catches render errors in a view so the user sees a message and the rest of
// the app keeps working, instead of a blank window.
import { Component, type ReactNode } from "react";

type Props = { children: ReactNode; onError: (error: unknown) => void };
type State = { failed: boolean };

export class ErrorBoundary extends Component<Props, State> {
  state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    this.props.onError(error);
  }

  render() {
    if (this.state.failed) {
      return (
        <div className="empty-state">
          <h2>This view hit a problem</h2>
          <p>The message above says what went wrong. Your workspace is unchanged.</p>
          <button onClick={() => this.setState({ failed: false })}>Try again</button>
        </div>
      );
    }
    return this.props.children;
  }
}
