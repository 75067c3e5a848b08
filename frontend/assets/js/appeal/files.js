// Attachments for the appeal page: what a file is (from its first bytes, as the server checks),
// photos scaled down in a canvas until the JPEG fits the limit, and base64 for the JSON body.

/** 'pdf', 'image' (PNG, JPEG, WebP) or null, from the magic bytes. */
export function sniff(b) {
  const at = (i, ...xs) => xs.every((x, k) => b[i + k] === x);
  if (at(0, 0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf';
  if (at(0, 0x89, 0x50, 0x4e, 0x47) || at(0, 0xff, 0xd8, 0xff) || (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50))) return 'image';
  return null;
}

/** A JPEG of the image no larger than `max` bytes (smaller sides, then lower quality), or null. */
export async function shrinkImage(file, max) {
  const bitmap = await createImageBitmap(file);
  try {
    let side = Math.min(1600, Math.max(bitmap.width, bitmap.height));
    for (let round = 0; round < 8; round += 1) {
      const scale = side / Math.max(bitmap.width, bitmap.height);
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      for (const q of [0.85, 0.7, 0.55]) {
        const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', q));
        if (blob && blob.size <= max) return new Uint8Array(await blob.arrayBuffer());
      }
      side = Math.round(side * 0.7);
    }
    return null;
  } finally { bitmap.close?.(); }
}

/** Bytes as base64 (in slices, so large files do not overflow the argument list). */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
