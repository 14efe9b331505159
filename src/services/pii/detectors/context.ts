/** The lower-cased text just before `index` (at most `width` characters), for context words. */
export function before(text: string, index: number, width = 32): string {
  return text.slice(Math.max(0, index - width), index).toLowerCase();
}

/** The lower-cased text just after `index`. */
export function after(text: string, index: number, width = 24): string {
  return text.slice(index, index + width).toLowerCase();
}

/** Words that say a number is a reference of some business record, not personal data. */
export const RECORD_CONTEXT =
  /(?<![\p{L}])(?:order|invoice|inv|ref|reference|ticket|tracking|case|po|purchase order|shipment|parcel|batch|lot|sku|serial|item|article|pedido|factura|commande|facture|bestellung|rechnung|bestelling|factuur|ordine|fattura|número de pedido|n°|n\.|no\.|nr\.?|nº|#)\s*(?:number|no\.?|nr\.?|id|#|:)?\s*[:#-]?\s*$/u;
