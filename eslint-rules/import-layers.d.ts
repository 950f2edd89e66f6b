import type { Rule } from 'eslint';

/** The house's layer rule (see import-layers.js). */
declare const importLayers: Rule.RuleModule;
export default importLayers;
