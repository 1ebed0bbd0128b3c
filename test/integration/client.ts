import { DockerClient } from '@/lib/docker/client';
import { parseDockerHost } from '@/lib/docker/endpoint';

export const realClient = () =>
  new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
