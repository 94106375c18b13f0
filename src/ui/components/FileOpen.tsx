import { useRef } from 'react';
import type { AppController } from '../controller';

export function FileOpen({ controller }: { controller: AppController }) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const onChange = (input: HTMLInputElement | null) => {
    if (!input?.files?.length) return;
    const list = Array.from(input.files);
    input.value = '';
    void controller.loadDropped(list);
  };
  return (
    <div className="button-group">
      <button data-testid="open.files" onClick={() => files.current?.click()}>Open files…</button>
      <button data-testid="open.folder" onClick={() => folder.current?.click()}>Open DICOM folder…</button>
      <button data-testid="open.demo" onClick={() => void controller.loadDemo().catch(() => undefined)}>Load demo scan</button>
      <input ref={files} type="file" multiple hidden data-testid="open.files.input" accept=".nii,.gz,.nrrd,.nhdr,.mha,.mhd,.raw,.zraw,.dcm,.txt,.json,.label,.lut,application/dicom" onChange={(e) => onChange(e.currentTarget)} />
      <input ref={folder} type="file" multiple hidden data-testid="open.folder.input" {...{ webkitdirectory: '' }} onChange={(e) => onChange(e.currentTarget)} />
    </div>
  );
}
