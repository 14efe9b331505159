export { createDetector, type Detector, type DetectorConfig } from "./detect.js";
export { NATIONAL_ID_CATALOGUE } from "./detectors/national-id.js";
export { BUILT_IN_PII_KINDS, type PiiSpan } from "./kinds.js";
export { createPiiService, type PiiMapView, type PiiService } from "./pii-service.js";
export { describeKinds, PiiTurn } from "./pii-turn.js";
export { StreamingRehydrator } from "./placeholders.js";
export {
  assertValidOrgSettings,
  assertValidRules,
  PII_POLICIES,
  type PiiPolicy,
  type PiiRules,
} from "./settings.js";
