import { readdirSync } from 'node:fs';
import { ENV_KEYS, validateEnv } from '../../src/config/validate-env.js';
import { parseDockerfile, instructions } from './support/dockerfile.js';
import { schemaErrors, unknownFieldErrors } from './support/k8s-schemas.js';
import { renderKustomization, type Rendered } from './support/kustomize.js';
import {
  asArray,
  asObject,
  readRepoFile,
  readYamlDocuments,
  repoPath,
  type Json,
} from './support/repo-files.js';

/**
 * deploy/k8s without a cluster: every manifest, as the base and the production overlay render
 * it, is checked against Kubernetes' schemas (kubernetes-models), with unknown fields refused,
 * and the cross-references a typo would silently break are followed one by one.
 */
const BASE = 'deploy/k8s/base';
const base = renderKustomization(repoPath(BASE));
const production = renderKustomization(repoPath('deploy/k8s/overlays/production'));
const secretExample = asObject(readYamlDocuments(BASE, 'secret.example.yaml')[0], 'secret.example.yaml');

const o = asObject;
const a = asArray;
function only(rendered: Rendered, kind: string): Json {
  const found = rendered.manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
const spec = (manifest: Json): Json => o(manifest.spec, `${String(manifest.kind)}.spec`);
const name = (manifest: Json): string => String(o(manifest.metadata, 'metadata').name);
const podTemplate = (rendered: Rendered): Json => o(spec(only(rendered, 'Deployment')).template, 'template');
const podSpec = (rendered: Rendered): Json => o(podTemplate(rendered).spec, 'pod spec');
const container = (rendered: Rendered): Json => {
  const containers = a(podSpec(rendered).containers, 'containers');
  expect(containers).toHaveLength(1);
  return o(containers[0], 'container');
};
const podLabels = (rendered: Rendered): Json =>
  o(o(podTemplate(rendered).metadata, 'metadata').labels, 'labels');
const selects = (selector: unknown, rendered: Rendered): void =>
  expect(podLabels(rendered)).toMatchObject(o(selector, 'selector'));
const containerPort = (rendered: Rendered): Json => {
  const ports = a(container(rendered).ports, 'ports');
  expect(ports).toHaveLength(1);
  return o(ports[0], 'port');
};
const portMatches = (ref: unknown, port: Json): boolean => ref === port.name || ref === port.containerPort;

describe.each([
  ['base', base],
  ['production overlay', production],
])('Kubernetes manifests: %s', (_, rendered) => {
  it('are one each of Deployment, Service, Ingress, PodDisruptionBudget, HorizontalPodAutoscaler, ConfigMap', () => {
    const kinds = rendered.manifests.map(
      (manifest) => `${String(manifest.apiVersion)} ${String(manifest.kind)}`,
    );
    expect(kinds.sort()).toEqual(
      [
        'apps/v1 Deployment',
        'autoscaling/v2 HorizontalPodAutoscaler',
        'networking.k8s.io/v1 Ingress',
        'policy/v1 PodDisruptionBudget',
        'v1 ConfigMap',
        'v1 Service',
      ].sort(),
    );
  });

  it('validate against the Kubernetes schemas, with no unknown field', () => {
    const problems = rendered.manifests.map((manifest) => `${name(manifest)}: ${schemaErrors(manifest)}`);
    expect(problems.filter((problem) => !problem.endsWith(': '))).toEqual([]);
    expect(unknownFieldErrors(rendered.manifests)).toEqual([]);
  });

  it('select the pods by labels the pod template carries', () => {
    selects(o(spec(only(rendered, 'Deployment')).selector, 'selector').matchLabels, rendered);
    selects(spec(only(rendered, 'Service')).selector, rendered);
    selects(o(spec(only(rendered, 'PodDisruptionBudget')).selector, 'selector').matchLabels, rendered);
    for (const constraint of a(podSpec(rendered).topologySpreadConstraints, 'spread')) {
      selects(o(o(constraint, 'constraint').labelSelector, 'labelSelector').matchLabels, rendered);
    }
  });

  it('route Ingress → Service → container port', () => {
    const service = only(rendered, 'Service');
    const servicePorts = a(spec(service).ports, 'ports').map((port) => o(port, 'port'));
    for (const port of servicePorts) expect(portMatches(port.targetPort, containerPort(rendered))).toBe(true);
    for (const rule of a(spec(only(rendered, 'Ingress')).rules, 'rules')) {
      for (const path of a(o(o(rule, 'rule').http, 'http').paths, 'paths')) {
        const backend = o(o(o(path, 'path').backend, 'backend').service, 'backend.service');
        expect(backend.name).toBe(name(service));
        const ref = o(backend.port, 'backend port');
        expect(servicePorts.some((port) => port.name === ref.name || port.port === ref.number)).toBe(true);
      }
    }
    const { PORT } = o(only(rendered, 'ConfigMap').data, 'data');
    expect(containerPort(rendered).containerPort).toBe(Number(PORT));
    expect(
      o(o(podTemplate(rendered).metadata, 'metadata').annotations, 'annotations')['prometheus.io/port'],
    ).toBe(PORT);
  });

  it('probe readiness on /health/ready and liveness on /health/live, on the container port', () => {
    const probe = (kind: string): Json => o(o(container(rendered)[kind], kind).httpGet, `${kind}.httpGet`);
    expect(probe('readinessProbe').path).toBe('/health/ready');
    expect(probe('livenessProbe').path).toBe('/health/live');
    expect(probe('startupProbe').path).toBe('/health/live');
    for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(portMatches(probe(kind).port, containerPort(rendered))).toBe(true);
    }
  });

  it('give the drain time: terminationGracePeriodSeconds > preStop sleep + SHUTDOWN_DRAIN_MS', () => {
    const preStop = o(o(o(container(rendered).lifecycle, 'lifecycle').preStop, 'preStop').exec, 'exec');
    const command = a(preStop.command, 'command').map(String);
    expect(command[0]).toBe('sleep');
    const sleep = Number(command[1]);
    expect(sleep).toBeGreaterThanOrEqual(5);
    const drainMs = Number(o(only(rendered, 'ConfigMap').data, 'data').SHUTDOWN_DRAIN_MS);
    expect(Number(podSpec(rendered).terminationGracePeriodSeconds)).toBeGreaterThan(
      sleep + drainMs / 1000 + 5,
    );
    const rollout = o(
      o(spec(only(rendered, 'Deployment')).strategy, 'strategy').rollingUpdate,
      'rollingUpdate',
    );
    expect(rollout.maxUnavailable).toBe(0);
  });

  it('run non-root with a read-only root filesystem, as the image user, with resources', () => {
    const pod = o(podSpec(rendered).securityContext, 'pod securityContext');
    const runtime = parseDockerfile(readRepoFile('Dockerfile')).stages[1];
    const [user, group] = instructions(runtime, 'USER')[0].args.split(':').map(Number);
    expect(pod).toMatchObject({ runAsNonRoot: true, runAsUser: user, runAsGroup: group });
    expect(o(container(rendered).securityContext, 'securityContext')).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const resources = o(container(rendered).resources, 'resources');
    for (const kind of ['requests', 'limits']) {
      expect(Object.keys(o(resources[kind], kind)).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('configure only contract variables: a ConfigMap for the rest, the Secret for JWT_SECRET and REDIS_URL', () => {
    const contract: readonly string[] = ENV_KEYS;
    const configMap = only(rendered, 'ConfigMap');
    const data = o(configMap.data, 'data') as Record<string, string>;
    const env = a(container(rendered).env, 'env').map((entry) => o(entry, 'env entry'));
    expect(
      [...Object.keys(data), ...env.map((entry) => String(entry.name))].filter((k) => !contract.includes(k)),
    ).toEqual([]);
    expect(a(container(rendered).envFrom, 'envFrom')).toEqual([{ configMapRef: { name: name(configMap) } }]);
    expect(data).not.toHaveProperty('JWT_SECRET');
    expect(data).not.toHaveProperty('REDIS_URL');
    const secretKeys = Object.keys(o(secretExample.stringData, 'stringData'));
    for (const key of ['JWT_SECRET', 'REDIS_URL']) {
      const entry = env.find((candidate) => candidate.name === key);
      expect(entry).toEqual({ name: key, valueFrom: { secretKeyRef: { name: name(secretExample), key } } });
      expect(secretKeys).toContain(key);
    }
    expect(env.find((entry) => entry.name === 'INSTANCE_ID')).toEqual({
      name: 'INSTANCE_ID',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    const secrets = o(secretExample.stringData, 'stringData') as Record<string, string>;
    expect(() => validateEnv({ ...data, ...secrets, INSTANCE_ID: 'switchboard-abc12' })).not.toThrow();
  });

  it('autoscale and budget disruptions for the Deployment', () => {
    const deployment = only(rendered, 'Deployment');
    const hpa = spec(only(rendered, 'HorizontalPodAutoscaler'));
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: name(deployment) });
    const replicas = Number(spec(deployment).replicas);
    expect(replicas).toBeGreaterThanOrEqual(Number(hpa.minReplicas));
    expect(replicas).toBeLessThanOrEqual(Number(hpa.maxReplicas));
    expect(Number(hpa.minReplicas)).toBeGreaterThanOrEqual(2);
    expect(Number(spec(only(rendered, 'PodDisruptionBudget')).maxUnavailable)).toBeLessThan(
      Number(hpa.minReplicas),
    );
  });

  it('keep long-polling sessions sticky and WebSockets open at the ingress', () => {
    const annotations = o(o(only(rendered, 'Ingress').metadata, 'metadata').annotations, 'annotations');
    expect(annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/affinity-mode': 'persistent',
      'nginx.ingress.kubernetes.io/session-cookie-name': expect.stringMatching(/^\w+$/),
    });
    // Longer than Socket.IO's ping interval + timeout (45 s), or idle WebSockets are cut.
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${key}`])).toBeGreaterThan(45);
    }
  });
});

describe('Kubernetes kustomizations', () => {
  it('list files that exist, and every base manifest but the secret example', () => {
    const listed = base.files.map((file) => file.replace(`${BASE}/`, ''));
    const present = readdirSync(repoPath(BASE)).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect([...listed].sort()).toEqual(present.filter((file) => file !== 'secret.example.yaml').sort());
    expect(production.files).toEqual(expect.arrayContaining(base.files));
  });

  it('ship a Secret example that validates but is not deployed, and no secret values anywhere else', () => {
    expect(schemaErrors(secretExample)).toBe('');
    expect(unknownFieldErrors([secretExample])).toEqual([]);
    for (const rendered of [base, production]) {
      expect(rendered.manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
      expect(rendered.files.some((file) => file.endsWith('secret.example.yaml'))).toBe(false);
    }
  });

  it('production: own namespace, registry image, more replicas and resources, its host over TLS', () => {
    for (const manifest of production.manifests)
      expect(o(manifest.metadata, 'metadata').namespace).toBe('switchboard');
    expect(String(container(production).image)).toMatch(/^[\w.-]+\.[a-z]+\/switchboard:[\w.-]+$/);
    expect(Number(spec(only(production, 'Deployment')).replicas)).toBeGreaterThan(
      Number(spec(only(base, 'Deployment')).replicas),
    );
    expect(container(production).resources).not.toEqual(container(base).resources);
    const ingress = spec(only(production, 'Ingress'));
    const host = o(a(ingress.rules, 'rules')[0], 'rule').host;
    expect(host).not.toBe(o(a(spec(only(base, 'Ingress')).rules, 'rules')[0], 'rule').host);
    expect(a(ingress.tls, 'tls')).toEqual([{ hosts: [host], secretName: expect.any(String) }]);
  });

  it('the checks are not vacuous: a wrong type and a misspelt field are both caught', () => {
    const firstContainer = (manifest: Json): Json =>
      o(a(o(o(spec(manifest).template, 'template').spec, 'spec').containers, 'containers')[0], 'container');
    const wrongType = structuredClone(only(base, 'Deployment'));
    o(a(firstContainer(wrongType).ports, 'ports')[0], 'port').containerPort = 'http';
    expect(schemaErrors(wrongType)).toMatch(/containerPort must be integer/);
    const misspelt = structuredClone(only(base, 'Deployment'));
    const probed = firstContainer(misspelt);
    probed.readinesProbe = probed.readinessProbe;
    delete probed.readinessProbe;
    expect(schemaErrors(misspelt)).toBe('');
    expect(unknownFieldErrors([misspelt]).join('\n')).toMatch(/'"readinesProbe"' does not exist/);
  });

  it('are the setup docs/deploying.md describes', () => {
    const docs = readRepoFile('docs', 'deploying.md');
    expect(docs).toContain('kubectl apply -k deploy/k8s/overlays/production');
    expect(docs).toContain('switchboard-secrets');
  });
});
