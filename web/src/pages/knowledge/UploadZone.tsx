import { useQueryClient } from "@tanstack/react-query";
import { Upload } from "lucide-react";
import { useState } from "react";
import {
  type DropItem,
  DropZone,
  type FileDropItem,
  FileTrigger,
  ProgressBar,
  Text,
} from "react-aria-components";
import { describeError } from "../../api/errors";
import { Button } from "../../ui/Button";
import { knowledgeKeys } from "./queries";
import { uploadDocument } from "./upload";

interface UploadItem {
  key: number;
  name: string;
  fraction: number;
  outcome?: { ok: boolean; text: string };
}

let nextKey = 1;

/** Drop files here or choose them; each upload shows its progress, then what became of it. */
export function UploadZone({ knowledgeBaseId }: { knowledgeBaseId: string }) {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const patch = (key: number, change: Partial<UploadItem>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const start = (files: File[]) => {
    for (const file of files) {
      const key = nextKey++;
      setUploads((list) => [...list.slice(-9), { key, name: file.name, fraction: 0 }]);
      uploadDocument(knowledgeBaseId, file, (fraction) => patch(key, { fraction }))
        .then((result) => {
          patch(key, {
            fraction: 1,
            outcome: {
              ok: true,
              text: result.created ? "Uploaded" : "Already in this knowledge base",
            },
          });
          return queryClient.invalidateQueries({ queryKey: knowledgeKeys.documents(knowledgeBaseId) });
        })
        .catch((error: unknown) => patch(key, { outcome: { ok: false, text: describeError(error) } }));
    }
  };

  const onDrop = async (items: DropItem[]) => {
    const files = items.filter((item): item is FileDropItem => item.kind === "file");
    start(await Promise.all(files.map((item) => item.getFile())));
  };

  return (
    <section className="upload" aria-label="Upload documents">
      <DropZone
        className="drop-zone"
        onDrop={(event) => void onDrop(event.items)}
        aria-label="Drop files to upload"
      >
        <Upload aria-hidden size={22} />
        <Text slot="label">Drop files here to add them (PDF, Word, text, Markdown, HTML, CSV, images)</Text>
        <FileTrigger allowsMultiple onSelect={(list) => list && start(Array.from(list))}>
          <Button variant="secondary">Choose files</Button>
        </FileTrigger>
      </DropZone>
      {uploads.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {uploads.map((upload) => (
            <li key={upload.key}>
              <ProgressBar
                className="progress"
                value={Math.round(upload.fraction * 100)}
                aria-label={`Uploading ${upload.name}`}
              >
                {({ valueText }) => (
                  <>
                    <span className="progress-label">{upload.name}</span>
                    <span className="progress-value">{upload.outcome ? upload.outcome.text : valueText}</span>
                    <div className="progress-track">
                      <div className={`progress-fill fill-${Math.round(upload.fraction * 10)}`} />
                    </div>
                  </>
                )}
              </ProgressBar>
              {upload.outcome && !upload.outcome.ok && (
                <p className="notice notice-error" role="alert">
                  {upload.name}: {upload.outcome.text}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
