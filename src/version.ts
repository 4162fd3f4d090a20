/** The package version, recorded in every trace header (a trace is reproducible for one version). */
export const PACKAGE_VERSION = "0.1.0";
