import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import type { Citation } from "../../api/types";
import { rehypeCitationMarkers } from "./citation-markers";

/**
 * Model and document text rendered as Markdown, safely: raw HTML in it is shown as text (there is no
 * rehype-raw), URLs pass react-markdown's default filter (no javascript:), links open outside the
 * app without handing it the opener. Citation markers become chips.
 */
export function AnswerMarkdown({
  text,
  citations,
  onCite,
}: {
  text: string;
  citations: Citation[];
  onCite: (citation: Citation) => void;
}) {
  const components: Components = {
    a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
    img: ({ node: _node, alt }) => <span className="md-image">[image: {alt}]</span>,
    cite: ({ node }) => {
      const label = Number(node?.properties?.dataLabel);
      const citation = citations.find((c) => c.label === label);
      if (!citation) return <span className="citation-missing">[{label}]</span>;
      return (
        <button
          type="button"
          className="citation-chip"
          aria-label={`Source ${label}: ${citation.title}`}
          onClick={() => onCite(citation)}
        >
          {label}
        </button>
      );
    },
  };
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeCitationMarkers]} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
