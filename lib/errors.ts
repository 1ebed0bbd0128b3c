/**
 * An error whose message is the whole story for an operator (an engine out of reach, a bad
 * setting, a refused probe): the CLI prints it without a stack. Kept free of imports so the
 * CLI can tell these apart without loading the modules that throw them.
 */
export class OperatorError extends Error {}
