export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Width and height from an image's header, read before OCR so that a decompression bomb (a tiny file
 * declaring a gigapixel canvas) is refused instead of being decoded. Undefined when the header cannot be
 * read; the OCR engine then reports the image as damaged.
 */
export function imageDimensions(data: Buffer, format: string): ImageSize | undefined {
  try {
    switch (format) {
      case "png":
        return data.length >= 24
          ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
          : undefined;
      case "jpeg":
        return jpegSize(data);
      case "webp":
        return webpSize(data);
      case "tiff":
        return tiffSize(data);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function jpegSize(data: Buffer): ImageSize | undefined {
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

function webpSize(data: Buffer): ImageSize | undefined {
  const chunk = data.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  if (chunk === "VP8 ")
    return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = data.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return undefined;
}

function tiffSize(data: Buffer): ImageSize | undefined {
  const little = data[0] === 0x49;
  const u16 = (at: number) => (little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const ifd = u32(4);
  const count = u16(ifd);
  let width: number | undefined;
  let height: number | undefined;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = u16(entry);
    const value = u16(entry + 2) === 3 ? u16(entry + 8) : u32(entry + 8);
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}
