/** The parts of the Engine API's JSON (v1.41) this project reads or writes. */

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface ContainerInspect {
  Id: string;
  Name?: string;
  Image?: string;
  Config?: { Hostname?: string; Image?: string; Env?: string[] | null; Labels?: Record<string, string> | null; ExposedPorts?: Record<string, object> | null };
  State?: { Running?: boolean; Status?: string };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    IPAddress?: string;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
    Ports?: Record<string, PortBinding[] | null> | null;
  };
}

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  Config?: { Env?: string[] | null } | null;
}

export interface ContainerSummary {
  Id: string;
  Image?: string;
  State?: string;
  Labels?: Record<string, string> | null;
}

export interface ContainerCreate {
  Image: string;
  Entrypoint: string[];
  Cmd: string[];
  Labels?: Record<string, string>;
  HostConfig?: { NetworkMode?: string };
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
}

/** An event of GET /events (type container). */
export interface ContainerEvent {
  Type?: string;
  Action?: string;
  /** The container's id. */
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}
