import type { Container } from '../../model/topology';
import { bindAddress } from '../../openclaw/config';

/** How to make a loopback-only server reachable from other namespaces (OpenClaw-aware). */
export function loopbackBindFix(c: Container, port: number): string {
  const svc = c.compose?.service ?? c.name;
  const oc = c.openclaw;
  return oc
    ? `Bind the gateway to all interfaces: gateway.bind: "lan" in ${oc.configSource.replace(/^mounted file /, '')} and/or --bind lan on its command line (now ${oc.bind ?? '?'} → ${bindAddress(oc.bind)}); keep the publish on 127.0.0.1 if it must stay local. A CLI sidecar can instead share the namespace: network_mode: "service:${svc}".`
    : `Make ${c.name} listen on 0.0.0.0 (or [::]) on port ${port}: its --host/--bind flag or HOST=0.0.0.0; or run the client as a sidecar with network_mode: "service:${svc}".`;
}
