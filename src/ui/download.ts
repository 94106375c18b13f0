/** Saving bytes the user asked for (exports, models) to their disk: a Blob link, nothing leaves the browser. */
export function downloadBytes(name: string, bytes: Uint8Array | ArrayBuffer | string, type = 'application/octet-stream'): void {
  const part: BlobPart = typeof bytes === 'string' ? bytes : bytes instanceof Uint8Array ? new Uint8Array(bytes) : bytes;
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
