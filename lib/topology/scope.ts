import type { Finding, SubjectRef, Topology } from '../model/topology';

/**
 * Which findings belong to what the compose-project filter shows: a finding is in view when
 * anything it names (subject or related) is a container, namespace or network of the project.
 * A finding that names only the host stays, since the host is always drawn.
 */
export function findingsInProject(t: Topology, findings: Finding[], project: string | null): Finding[] {
  if (!project) return findings;
  const containers = new Map(t.containers.map((c) => [c.id, c.compose?.project ?? null]));
  const inProject = (id: string) => containers.get(id) === project;
  const namespaces = new Map(t.namespaces.map((n) => [n.key, n.containerIds.some(inProject)]));
  const nsById = new Map(t.namespaces.map((n) => [n.id, n.containerIds.some(inProject)]));
  const networks = new Map(
    t.networks.map((n) => [n.id, n.composeProject === project || n.containerIds.some(inProject)]),
  );
  const refIn = (r: SubjectRef): boolean | null => {
    switch (r.kind) {
      case 'container':
        return inProject(r.id);
      case 'namespace':
        return namespaces.get(r.id) ?? nsById.get(r.id) ?? false;
      case 'network':
        return networks.get(r.id) ?? false;
      case 'host':
        return null;
      case 'probe':
        return false;
    }
  };
  return findings.filter((f) => {
    const verdicts = [f.subject, ...f.related].map(refIn);
    if (verdicts.some((v) => v === true)) return true;
    return verdicts.every((v) => v === null);
  });
}
