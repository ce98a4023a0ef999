import { useState, type FormEvent } from 'react';
import {
  useSmmAddOrderMutation,
  useSmmServicesQuery,
  type SmmAddOrderMutation,
} from '../../../__generated__/hooks.ts';
import { useAttempt } from '../attempt.ts';
import { byField, ErrorNotice, FieldErrors, problemsOf, type FieldError, type Problem } from '../errors.tsx';
import { Field } from '../ui.tsx';
import { FIELD_INFO, fieldsFor, toInput, type OrderField } from './fields.ts';

type Placed = NonNullable<NonNullable<SmmAddOrderMutation['smmAddOrder']>['order']>;

/**
 * Places an order; its fields follow the chosen service's type. Every attempt carries an
 * idempotency key, kept while the input stays the same: a double click, or a retry after an
 * unknown outcome, can never place the order twice.
 */
export function AddOrderForm({ provider, onPlaced }: { provider: string; onPlaced: (id: string) => void }) {
  const services = useSmmServicesQuery({ variables: { provider } });
  const [addOrder, { loading }] = useSmmAddOrderMutation();
  const [serviceId, setServiceId] = useState<string>();
  const [values, setValues] = useState<Partial<Record<OrderField, string>>>({});
  const [userErrors, setUserErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [placed, setPlaced] = useState<Placed>();
  const attempt = useAttempt();

  const list = services.data?.smmServices ?? [];
  const service = list.find((s) => s.id === serviceId) ?? list[0];
  const fields = service ? fieldsFor(service) : [];
  const shown = fields.map((f) => f.field);
  const { fields: errorsAt, rest } = byField(userErrors, shown);
  const categories = [...new Set(list.map((s) => s.category ?? 'Other'))];
  const unknownOutcome = problems.some((p) => p.code === 'OUTCOME_UNKNOWN');

  const submit = async (opts: { asNew?: boolean } = {}) => {
    if (!service) return;
    setPlaced(undefined);
    setProblems([]);
    const { input, invalid } = toInput(service.id, shown, values);
    const local = Object.entries(invalid).map(([f, message]) => ({
      field: ['input', f],
      message,
      code: 'INVALID',
    }));
    setUserErrors(local);
    if (local.length > 0) return;
    const key = attempt.keyFor([provider, input], opts.asNew);
    try {
      const r = await addOrder({ variables: { provider, input, idempotencyKey: key } });
      const payload = r.data?.smmAddOrder;
      setUserErrors(payload?.userErrors ?? []);
      if (payload?.order) {
        setPlaced(payload.order);
        attempt.done();
        onPlaced(payload.order.id);
      }
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };
  return (
    <section>
      <h2>Add an order</h2>
      <ErrorNotice error={services.error} />
      {services.loading && !services.data && <p className="muted">Loading services…</p>}
      {service && (
        <form className="order-form" noValidate onSubmit={onSubmit} data-testid="add-order-form">
          <label>
            Service
            <select
              data-testid="service-select"
              value={service.id}
              onChange={(e) => {
                setServiceId(e.target.value);
                setUserErrors([]);
                setPlaced(undefined);
              }}
            >
              {categories.map((c) => (
                <optgroup key={c} label={c}>
                  {list
                    .filter((s) => (s.category ?? 'Other') === c)
                    .map((s) => (
                      <option key={s.id} value={s.id}>
                        #{s.id} {s.name} ({s.typeText})
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
          <p className="service-info" data-testid="service-info">
            <span className="badge badge-gray">{service.type}</span> {service.rate} per 1000 · min{' '}
            {service.min} · max {service.max}
            {service.refill && ' · refill'}
            {service.cancel && ' · cancel'}
            {service.dripfeed && ' · drip-feed'}
            {service.description && <span className="muted"> — {service.description}</span>}
          </p>
          {fields.map(({ field, required }) => {
            const info = FIELD_INFO[field];
            const common = {
              id: `f-${field}`,
              name: field,
              'data-testid': `field-${field}`,
              'aria-invalid': errorsAt[field] ? true : undefined,
              value: values[field] ?? '',
              onChange: (e: { target: { value: string } }) =>
                setValues((v) => ({ ...v, [field]: e.target.value })),
            };
            return (
              <Field
                key={field}
                name={field}
                label={info.label}
                hint={info.hint}
                required={required}
                errors={errorsAt[field]}
              >
                {info.kind === 'list' ? (
                  <textarea rows={3} {...common} />
                ) : (
                  <input inputMode={info.kind === 'int' ? 'numeric' : undefined} {...common} />
                )}
              </Field>
            );
          })}
          {rest.length > 0 && (
            <div data-testid="form-errors">
              <FieldErrors errors={rest} />
            </div>
          )}
          <ErrorNotice problems={problems} />
          {unknownOutcome && (
            <button type="button" data-testid="place-as-new" onClick={() => void submit({ asNew: true })}>
              I checked: it was not placed. Place it as a new order
            </button>
          )}
          <button type="submit" disabled={loading} data-testid="add-order-submit">
            {loading ? 'Placing…' : 'Place order'}
          </button>
          {placed && (
            <p className="success" data-testid="order-placed">
              Order <code>{placed.id}</code> placed
              {placed.charge ? ` for ${placed.charge} ${placed.currency ?? ''}` : ''}.
            </p>
          )}
        </form>
      )}
    </section>
  );
}
