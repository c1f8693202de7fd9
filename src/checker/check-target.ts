import { containerAddress } from '../docker/container-description.js';
import type { EngineApi } from '../docker/engine-api.js';
import type { ContainerInspect } from '../docker/engine-types.js';
import { imageName, isImageId } from './image-name.js';

/** A label on every throwaway check container, naming the container it checks: listeners skip them. */
export const CHECK_OF_LABEL = 'checker.check-of';

/** What checking a container needs to know of it, read from one inspection. */
export interface CheckTarget {
  /** The full 64-character id. */
  id: string;
  /** Docker's name, with its leading slash. */
  name: string;
  /** The image id, so that the check runs the very image the container runs. */
  imageId: string;
  /** IMAGENAME: see image-name.ts. */
  imageName: string;
  running: boolean;
  /** Docker's word for its state: running, exited, paused... */
  state: string;
  networkMode: string;
  /** The container's address on its network; '' when it has none. */
  ip: string;
  env: string[];
  /** True for checker's own throwaway check containers. */
  isCheck: boolean;
  inspect: ContainerInspect;
}

/** A short form of the id for messages. */
export const shortId = (id: string): string => id.slice(0, 12);

/** How messages name a container: `web (0123456789ab)`. */
export const containerLabel = (target: Pick<CheckTarget, 'id' | 'name'>): string => `${target.name.replace(/^\//, '') || shortId(target.id)} (${shortId(target.id)})`;

/** Inspects the container; null when Docker has no such container. */
export async function readCheckTarget(engine: EngineApi, ref: string): Promise<CheckTarget | null> {
  const inspect = await engine.inspectContainer(ref);
  if (inspect === null) return null;
  const reference = inspect.Config?.Image ?? '';
  let name = imageName(reference);
  if (isImageId(reference)) {
    // Created from an id: the image's first tag names it, if it has one.
    const image = await engine.inspectImage(reference).catch(() => null);
    const tag = image?.RepoTags?.[0];
    name = tag !== undefined ? imageName(tag) : shortId(reference.replace(/^sha256:/, ''));
  }
  return {
    id: inspect.Id,
    name: inspect.Name ?? '',
    imageId: inspect.Image ?? reference,
    imageName: name,
    running: inspect.State?.Running ?? false,
    state: inspect.State?.Status ?? 'unknown',
    networkMode: inspect.HostConfig?.NetworkMode ?? 'default',
    ip: containerAddress(inspect),
    env: inspect.Config?.Env ?? [],
    isCheck: (inspect.Config?.Labels ?? {})[CHECK_OF_LABEL] !== undefined,
    inspect,
  };
}
