import { imageName, isImageId } from '../../../checker/image-name.js';
import { isServiceName, SERVICE_NAME_RULE } from '../../../common/service-name.js';

/** The label that names a container's service, for docker-health as for tallyman's reports. */
export const SERVICE_LABEL = 'tallyman.service';
/** The label Docker Compose puts on every container of a service. */
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

export type ServiceNaming = { ok: true; name: string; from: 'label' | 'compose' | 'image' } | { ok: false; message: string };

/**
 * A container's service: its label tallyman.service if set, else its Compose service, else
 * IMAGENAME (checker's rule: the image name's last segment, without tag or digest). A container
 * created from a bare image id names it by the id's first 12 digits.
 */
export function serviceOfContainer(labels: Readonly<Record<string, string>>, image: string): ServiceNaming {
  const label = labels[SERVICE_LABEL];
  const compose = labels[COMPOSE_SERVICE_LABEL];
  const [name, from] =
    label !== undefined && label !== ''
      ? [label, 'label' as const]
      : compose !== undefined && compose !== ''
        ? [compose, 'compose' as const]
        : [isImageId(image) ? image.replace(/^sha256:/, '').slice(0, 12) : imageName(image), 'image' as const];
  if (isServiceName(name)) return { ok: true, name, from };
  const what = from === 'label' ? `label ${SERVICE_LABEL}` : from === 'compose' ? `label ${COMPOSE_SERVICE_LABEL}` : `image name '${image}'`;
  return { ok: false, message: `service name '${name}' from its ${what} is not a service name (${SERVICE_NAME_RULE})` };
}
