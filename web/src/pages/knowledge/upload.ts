import { apiErrorOf } from "../../api/errors";
import { session } from "../../api/session";
import type { ResponseOf } from "../../api/types";

export type CreatedDocument = ResponseOf<"/knowledge-bases/{id}/documents/text", "post", 201>;

function send(
  url: string,
  file: File,
  token: string | null,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new TypeError("network error"));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/**
 * Uploads one file as multipart (POST /knowledge-bases/{id}/documents) with XMLHttpRequest, which,
 * unlike fetch, reports upload progress. A 401 refreshes the session once, as the API client does.
 */
export async function uploadDocument(
  knowledgeBaseId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<CreatedDocument> {
  const url = `/knowledge-bases/${encodeURIComponent(knowledgeBaseId)}/documents`;
  let result = await send(url, file, await session.fresh(), onProgress);
  if (result.status === 401 && (await session.refresh())) {
    result = await send(url, file, session.token, onProgress);
  }
  if (result.status === 401) session.expired();
  if (result.status < 200 || result.status >= 300) throw apiErrorOf(result.status, result.body);
  onProgress(1);
  return result.body as CreatedDocument;
}
