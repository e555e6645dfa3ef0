import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, type FieldError, type Money } from './api';
import { formatMoney } from './format';

/** A view's title; it takes the focus when the view opens, so keyboard and screen reader users start there. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Price({ money }: { money: Money }) {
  return (
    <span class="price" data-amount={money.amount} data-currency={money.currency}>
      {formatMoney(money)}
    </span>
  );
}

/** The words for an error from the API (or the network), read out at once. */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div class="error" role="alert" id={id}>
      <p>{api ? api.message : 'Something went wrong. Please try again.'}</p>
      {api && api.fieldErrors.length > 0 && (
        <ul>
          {api.fieldErrors.map((field) => (
            <li key={field.path}>{fieldErrorText(field)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** `body.shippingAddress.postalCode` → "Postal code: …": the field as the form names it. */
function fieldErrorText(field: FieldError): string {
  const name = field.path.split('.').pop() ?? field.path;
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return `${label}: ${field.message.replace(/^"[^"]*" /, '')}`;
}

/** Whether the API named this field (its last path segment) as wrong. */
export function fieldInvalid(error: unknown, name: string): boolean {
  return error instanceof ApiError && error.fieldErrors.some((field) => field.path.split('.').pop() === name);
}

/** A labelled form field; a hint is found by the input's aria-describedby as `<id>-hint`. */
export function Field(props: { id: string; label: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** A product's picture: no images in the catalog, so a tile in a colour of its own with its initials. */
export function ProductArt({ id, name }: { id: string; name: string }) {
  let hash = 0;
  for (const character of id) hash = (hash * 31 + character.charCodeAt(0)) % 360;
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join('');
  return (
    <div class={`art hue-${hash % 12}`} aria-hidden="true">
      {initials}
    </div>
  );
}
