/**
 * IMAGENAME in the discovery key: the last path segment of an image reference, without tag or
 * digest. `tutum/rabbitmq` -> `rabbitmq`, `registry.at.netstream.ru/pusher/scheduler` ->
 * `scheduler`, `localhost:5000/a/b:1.2@sha256:...` -> `b`. A registry's port (`host:5000/`)
 * is never taken for a tag, since the tag is looked for after the last slash only.
 */
export function imageName(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? '';
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastSegment.split(':')[0] ?? '';
}

/** An image id rather than a name (a container created from `sha256:...` or a bare hex id). */
export function isImageId(reference: string): boolean {
  return /^sha256:[0-9a-f]{12,64}$/.test(reference) || /^[0-9a-f]{64}$/.test(reference);
}
