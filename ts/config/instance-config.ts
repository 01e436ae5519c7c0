/**
 * From parsed layers to the typed `InstanceConfig` the daemons use: precedence
 * `defaults < .distro < instance_configs.cfg < .template` (behaviour spec §2.4), validation of
 * every effective value, and warnings for everything unknown or invalid, collected together.
 * Pure: it must not read files or log; the generated-file merge lives in `generate.ts`.
 */
import type { ReadonlyIniDocument } from './parse.js';
import { OPTION_SPECS, defaultText, defaultValue, findOption, isKnownSection, type OptionSpec } from './schema.js';
import type { InstanceConfig } from './types.js';
import { typeValue, type TypedValue } from './values.js';

/** Which file a layer is; decides its rank, and that only `cfg` may carry `[Instance]`. */
export type LayerRole = 'distro' | 'cfg' | 'template';

/** One parsed configuration file. `source` names it in warnings (its machine path). */
export interface ConfigLayer {
  readonly role: LayerRole;
  readonly source: string;
  readonly doc: ReadonlyIniDocument;
}

/** The typed configuration and every warning met on the way. */
export interface TypedConfig {
  readonly config: InstanceConfig;
  readonly warnings: string[];
}

/** A raw value and the file it came from. */
export interface SourcedText {
  readonly text: string;
  readonly source: string;
}

const RANK: Readonly<Record<LayerRole, number>> = { distro: 1, cfg: 2, template: 3 };

/** Layers from highest precedence (`.template`) to lowest (`.distro`). */
export function byPrecedence(layers: readonly ConfigLayer[]): ConfigLayer[] {
  return [...layers].sort((a, b) => RANK[b.role] - RANK[a.role]);
}

/** True when `layer` may supply `s`: generator-owned options come from the cfg only. */
export function layerMaySet(layer: ConfigLayer, s: OptionSpec): boolean {
  return !s.generatorOwned || layer.role === 'cfg';
}

/** The value of `s` from the highest layer that sets it, or undefined (then the default applies). */
export function effectiveText(s: OptionSpec, layers: readonly ConfigLayer[]): SourcedText | undefined {
  for (const layer of byPrecedence(layers)) {
    const text = layer.doc.get(s.section)?.get(s.option);
    if (text !== undefined && layerMaySet(layer, s)) return { text, source: layer.source };
  }
  return undefined;
}

/**
 * Warnings for unknown sections and options (each reported once, naming the highest layer that
 * has it) and for generator-owned options set where only instance setup may set them.
 */
export function layerWarnings(layers: readonly ConfigLayer[]): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const once = (key: string, message: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    warnings.push(message);
  };
  for (const layer of byPrecedence(layers)) {
    for (const [section, options] of layer.doc) {
      if (!isKnownSection(section)) {
        once(`[${section}]`, `${layer.source}: unknown section [${section}]; not used (kept in the generated file)`);
        continue;
      }
      for (const option of options.keys()) {
        const s = findOption(section, option);
        if (!s) {
          once(
            `[${section}] ${option}`,
            `${layer.source}: unknown option [${section}] ${option}; not used (kept in the generated file)`,
          );
        } else if (!layerMaySet(layer, s)) {
          warnings.push(`${layer.source}: [${section}] ${option} is set only by google_instance_setup; ignored here`);
        }
      }
    }
  }
  return warnings;
}

/** Types one option's effective text; an invalid value falls back to the default with a warning. */
function typeOne(s: OptionSpec, found: SourcedText | undefined, warnings: string[]): TypedValue {
  if (found === undefined) return defaultValue(s);
  const result = typeValue(s.kind, found.text);
  if (result.ok) return result.value;
  warnings.push(
    `${found.source}: [${s.section}] ${s.option} = ${JSON.stringify(found.text)} is not ${result.expected}; ` +
      `using the default ${JSON.stringify(defaultText(s))}`,
  );
  return defaultValue(s);
}

/** Builds an `InstanceConfig` from a lookup of effective texts; every option is typed. */
export function typeConfig(lookup: (s: OptionSpec) => SourcedText | undefined): TypedConfig {
  const warnings: string[] = [];
  const groups: Record<string, Record<string, TypedValue>> = {};
  for (const s of OPTION_SPECS) {
    const group = groups[s.group] ?? {};
    groups[s.group] = group;
    group[s.field] = typeOne(s, lookup(s), warnings);
  }
  // Every group and field of InstanceConfig appears in OPTION_SPECS (asserted by the schema test).
  return { config: groups as unknown as InstanceConfig, warnings };
}

/**
 * The daemons' view: layers merged in memory with the generated file's precedence, so the result
 * is the same whether or not instance setup has run, and a missing or empty cfg falls back to
 * documented defaults (never to "true because missing").
 */
export function resolveConfig(layers: readonly ConfigLayer[]): TypedConfig {
  const typed = typeConfig((s) => effectiveText(s, layers));
  return { config: typed.config, warnings: [...layerWarnings(layers), ...typed.warnings] };
}
