import { X } from "lucide-react";
import type { ReactNode } from "react";
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { Button } from "../../ui/Button";

/** A side panel dialog for an administration form (Escape or the close button dismiss it). */
export function AdminDialog({
  title,
  isOpen,
  onClose,
  children,
}: {
  title: string;
  isOpen: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isDismissable
      isOpen={isOpen}
      onOpenChange={(o) => !o && onClose()}
    >
      <Modal className="modal modal-side">
        <Dialog className="dialog admin-dialog">
          <header className="dialog-header">
            <Heading slot="title">{title}</Heading>
            <Button variant="ghost" aria-label="Close" onPress={onClose}>
              <X aria-hidden size={18} />
            </Button>
          </header>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
