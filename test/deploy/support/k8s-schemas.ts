import ts from 'typescript';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { repoPath, type Json } from './repo-files.js';

/**
 * Kubernetes' own OpenAPI definitions as the kubernetes-models package ships them: one
 * validator per definition (compiled from the JSON schema) and one TypeScript interface per
 * definition. Nothing is downloaded at test time.
 */
interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

const KINDS: Record<string, { model: ModelClass; module: string; type: string }> = {
  'apps/v1 Deployment': { model: Deployment, module: 'apps/v1/Deployment', type: 'IDeployment' },
  'v1 Service': { model: Service, module: 'v1/Service', type: 'IService' },
  'v1 ConfigMap': { model: ConfigMap, module: 'v1/ConfigMap', type: 'IConfigMap' },
  'v1 Secret': { model: Secret, module: 'v1/Secret', type: 'ISecret' },
  'networking.k8s.io/v1 Ingress': {
    model: Ingress,
    module: 'networking.k8s.io/v1/Ingress',
    type: 'IIngress',
  },
  'policy/v1 PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'autoscaling/v2 HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
};

function kindOf(manifest: Json): { model: ModelClass; module: string; type: string } {
  const key = `${String(manifest.apiVersion)} ${String(manifest.kind)}`;
  const kind = KINDS[key];
  if (!kind) throw new Error(`no schema for ${key}`);
  return kind;
}

/** The schema validator's complaint about one manifest, or '' when it is valid. */
export function schemaErrors(manifest: Json): string {
  try {
    new (kindOf(manifest).model)(manifest as never).validate();
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Kubernetes' JSON schemas allow unknown fields (the API server refuses them only under strict
 * field validation, kubectl's default since 1.27), so a misspelt `readinesProbe` would pass
 * {@link schemaErrors}. The same definitions as TypeScript interfaces catch it: each manifest
 * becomes an object literal of its kind's type, and excess-property checks name every unknown
 * field. Returns one line per problem.
 */
export function unknownFieldErrors(manifests: Json[]): string[] {
  const file = repoPath('test', 'deploy', '__k8s_manifests__.ts');
  const lines = manifests.map((manifest, index) => {
    const { module, type } = kindOf(manifest);
    return `import type { ${type} as T${index} } from 'kubernetes-models/${module}';\nexport const m${index}: T${index} = ${JSON.stringify(manifest)};`;
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return text;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const manifest = manifests[Math.floor(line / 2)];
    const name = String((manifest.metadata as Json | undefined)?.name);
    return `${String(manifest.kind)} ${name}: ${text}`;
  });
}
