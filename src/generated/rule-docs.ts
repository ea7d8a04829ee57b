// DO NOT EDIT: generated from rules/*.md by `npm run gen` (a test checks it is fresh).
import type { RuleDoc } from '../core/rule-doc';

export const ruleDocs: Record<string, RuleDoc> = {

};
