/**
 * The identity every service container runs as: a fixed non-root UID/GID so
 * file ownership in images and volumes is predictable (the images create this
 * user), well away from host system ranges.
 */
export const SERVICE_UID = 10001;
export const SERVICE_GID = 10001;

/** Size cap of the `/tmp` emptyDir, the only writable path in a service container. @default 64Mi */
export const TMP_SIZE_LIMIT_MIB = 64;
