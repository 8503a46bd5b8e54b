// The Performance tab: conversion and engagement per segment. (Being built for issue 11.)
import type { AnalysisSettings } from "./AnalysisSettings";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

export function PerformanceTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-performance">
      Being built.
    </p>
  );
}
