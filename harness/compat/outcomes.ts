// How a scenario ends other than by passing: a check that did not hold, or a setup it cannot run in.
// Thrown by checks, the context and the scenarios, caught by the runner.
/** An expectation about the broker's or the client's behaviour did not hold. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** The scenario cannot run with this client setup; the reason is shown instead of a verdict. */
export class ScenarioSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ScenarioSkipped';
  }
}
