/**
 * The part of js-yaml 3 the packaging tests use (the package ships no types). js-yaml is
 * present through jest's own dependencies; it is CommonJS, so ESM sees it as one default
 * object. Only safeLoad (no custom tags) is declared.
 */
declare module 'js-yaml' {
  const jsYaml: { safeLoad(text: string): unknown };
  export default jsYaml;
}
