import { useState, type FormEvent, type ReactNode } from 'react';
import { FieldErrors, type FieldError } from './errors.tsx';

export type BadgeColor = 'gray' | 'blue' | 'orange' | 'green' | 'red' | 'teal' | 'yellow' | 'purple';

/** An upstream status as a coloured badge; the raw text shows for UNKNOWN and on hover. */
export function Badge<S extends string>({
  status,
  text,
  colors,
}: {
  status: S | null | undefined;
  text?: string | null;
  colors: Record<S, BadgeColor>;
}) {
  if (!status) return <span className="badge badge-gray">—</span>;
  return (
    <span className={`badge badge-${colors[status]}`} data-status={status} title={text ?? undefined}>
      {status === 'UNKNOWN' ? (text ?? 'UNKNOWN') : status.replaceAll('_', ' ')}
    </span>
  );
}

/** "Track ids": adds digit-only ids to a tracked list. */
export function TrackForm({
  ids,
  onChange,
  example,
}: {
  ids: string[];
  onChange: (ids: string[]) => void;
  example: string;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    const given = text.split(/[\s,]+/).filter(Boolean);
    if (given.some((id) => !/^\d+$/.test(id))) {
      setError('Ids are digits only.');
      return;
    }
    setError('');
    setText('');
    onChange([...ids, ...given.filter((id, i) => !ids.includes(id) && given.indexOf(id) === i)]);
  };
  return (
    <form className="inline" onSubmit={add}>
      <input
        aria-label="Ids to track"
        placeholder={`ids, e.g. ${example}`}
        data-testid="track-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" data-testid="track-button">
        Track
      </button>
      {error && <span className="field-error">{error}</span>}
    </form>
  );
}

/** A labelled form field with its userErrors underneath. */
export function Field({
  name,
  label,
  hint,
  required,
  errors,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  errors?: FieldError[];
  children: ReactNode;
}) {
  return (
    <div className={`field ${errors?.length ? 'field-has-error' : ''}`} data-field={name}>
      <label htmlFor={`f-${name}`}>
        {label}
        {required ? ' *' : ''}
        {hint && <small className="muted"> {hint}</small>}
      </label>
      {children}
      <FieldErrors errors={errors} />
    </div>
  );
}
