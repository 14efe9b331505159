/** The release this code is (package.json `version`), shown in OpenAPI and exported traces. */
export const ATRIUM_VERSION = "0.1.0";
