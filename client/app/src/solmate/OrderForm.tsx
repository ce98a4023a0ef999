import { useState, type FormEvent } from 'react';
import {
  useCreateOrderMutation,
  useUpdateOrderMutation,
  type AdDistrict,
  type AdNetwork,
  type AdOrderFieldsFragment,
  type AdPricingModel,
  type AudienceGender,
  type CreateOrderInput,
  type UpdateOrderInput,
} from '../../../__generated__/hooks.ts';
import { useAttempt } from '../attempt.ts';
import { byField, ErrorNotice, FieldErrors, problemsOf, type FieldError, type Problem } from '../errors.tsx';
import { Field } from '../ui.tsx';
import { DistrictPicker } from './DistrictPicker.tsx';

const NETWORKS: Array<[AdNetwork, string]> = [
  ['VIESHOW', 'Cinemas (VIESHOW)'],
  ['SALON', 'Hair salons'],
  ['COFFEE_RESTAURANT', 'Cafés and restaurants'],
];
const MODELS: Array<[AdPricingModel, string]> = [
  ['CPM', 'CPM: per 1000 impressions'],
  ['CPV', 'CPV: per view'],
];

interface Values {
  title: string;
  network: AdNetwork | '';
  model: AdPricingModel | '';
  totalBudget: string;
  dailyBudget: string;
  materialUrl: string;
  clickUrl: string;
  displayTime: string;
  gender: Exclude<AudienceGender, 'UNKNOWN'> | '';
  districts: AdDistrict[];
}

const TEXT_FIELDS = [
  'title',
  'totalBudget',
  'dailyBudget',
  'materialUrl',
  'clickUrl',
  'displayTime',
] as const;
const LABELS: Record<(typeof TEXT_FIELDS)[number], [string, string?]> = {
  title: ['Title'],
  totalBudget: ['Total budget', 'exact, such as 20000'],
  dailyBudget: ['Daily budget', 'not above the total'],
  materialUrl: ['Creative URL', 'the video or image displayed'],
  clickUrl: ['Click URL', 'shown when the ad is clicked'],
  displayTime: ['Display time (seconds)', 'Solmate’s default is 30'],
};

const valuesOf = (o?: AdOrderFieldsFragment): Values => ({
  title: o?.title ?? '',
  network: o?.network && o.network !== 'UNKNOWN' ? o.network : '',
  model: o?.model && o.model !== 'UNKNOWN' ? o.model : '',
  totalBudget: o?.totalBudget ?? '',
  dailyBudget: o?.dailyBudget ?? '',
  materialUrl: o?.materialUrl ?? '',
  clickUrl: o?.clickUrl ?? '',
  displayTime: o?.displayTime != null ? String(o.displayTime) : '',
  gender: o?.gender === 'MALE' || o?.gender === 'FEMALE' ? o.gender : '',
  districts: o?.districts ?? [],
});

/** Fields left empty are left out: the gateway lists every missing required one at once. */
function toInput(v: Values): { input: CreateOrderInput; invalid: FieldError[] } {
  const input: CreateOrderInput = {};
  const invalid: FieldError[] = [];
  if (v.title.trim()) input.title = v.title.trim();
  if (v.network) input.network = v.network;
  if (v.model) input.model = v.model;
  if (v.totalBudget.trim()) input.totalBudget = v.totalBudget.trim();
  if (v.dailyBudget.trim()) input.dailyBudget = v.dailyBudget.trim();
  if (v.materialUrl.trim()) input.materialUrl = v.materialUrl.trim();
  if (v.clickUrl.trim()) input.clickUrl = v.clickUrl.trim();
  if (v.displayTime.trim()) {
    if (/^\d+$/.test(v.displayTime.trim())) input.displayTime = Number(v.displayTime.trim());
    else
      invalid.push({ field: ['input', 'displayTime'], message: 'must be a whole number', code: 'INVALID' });
  }
  input.gender = v.gender || null;
  input.districts = v.districts;
  return { input, invalid };
}

/** Creates an ad order, or (given `order`) updates that one. */
export function OrderForm({
  order,
  onDone,
}: {
  order?: AdOrderFieldsFragment;
  onDone: (saved: AdOrderFieldsFragment) => void;
}) {
  const [create, created] = useCreateOrderMutation();
  const [update, updated] = useUpdateOrderMutation();
  const [values, setValues] = useState(() => valuesOf(order));
  const [userErrors, setUserErrors] = useState<FieldError[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const attempt = useAttempt();
  const editing = order !== undefined;
  const shown = [...TEXT_FIELDS, 'network', 'model', 'gender', 'districts'];
  const { fields: errorsAt, rest } = byField(userErrors, shown);
  const set = <K extends keyof Values>(k: K, v: Values[K]) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    const { input, invalid } = toInput(values);
    setUserErrors(invalid);
    if (invalid.length > 0) return;
    try {
      let payload;
      if (editing) {
        // title and network cannot change after creation
        const { title: _t, network: _n, ...change } = input;
        const r = await update({ variables: { id: order.id, input: change satisfies UpdateOrderInput } });
        payload = r.data?.updateOrder;
      } else {
        const r = await create({ variables: { input, idempotencyKey: attempt.keyFor(input) } });
        payload = r.data?.createOrder;
        if (payload?.order) attempt.done();
      }
      setUserErrors(payload?.userErrors ?? []);
      if (payload?.order) onDone(payload.order);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  const text = (f: (typeof TEXT_FIELDS)[number]) => (
    <Field
      key={f}
      name={f}
      label={LABELS[f][0]}
      hint={LABELS[f][1]}
      required={f !== 'displayTime'}
      errors={errorsAt[f]}
    >
      <input
        id={`f-${f}`}
        data-testid={`field-${f}`}
        inputMode={f === 'displayTime' ? 'numeric' : f.endsWith('Budget') ? 'decimal' : undefined}
        value={values[f]}
        onChange={(e) => set(f, e.target.value)}
      />
    </Field>
  );

  return (
    <form className="order-form" noValidate onSubmit={(e) => void submit(e)} data-testid="ad-order-form">
      {!editing && text('title')}
      {!editing && (
        <Field name="network" label="Network" required errors={errorsAt.network}>
          <select
            id="f-network"
            data-testid="field-network"
            value={values.network}
            onChange={(e) => set('network', e.target.value as Values['network'])}
          >
            <option value="">— choose —</option>
            {NETWORKS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field name="model" label="Pricing model" required={!editing} errors={errorsAt.model}>
        <select
          id="f-model"
          data-testid="field-model"
          value={values.model}
          onChange={(e) => set('model', e.target.value as Values['model'])}
        >
          <option value="">{editing ? '— unchanged —' : '— choose —'}</option>
          {MODELS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      {text('totalBudget')}
      {text('dailyBudget')}
      {text('materialUrl')}
      {text('clickUrl')}
      {text('displayTime')}
      <Field name="gender" label="Audience" errors={errorsAt.gender}>
        <select
          id="f-gender"
          data-testid="field-gender"
          value={values.gender}
          onChange={(e) => set('gender', e.target.value as Values['gender'])}
        >
          <option value="">Everyone</option>
          <option value="FEMALE">Women</option>
          <option value="MALE">Men</option>
        </select>
      </Field>
      <Field name="districts" label="Districts" errors={errorsAt.districts}>
        <DistrictPicker value={values.districts} onChange={(d) => set('districts', d)} />
      </Field>
      {rest.length > 0 && (
        <div data-testid="form-errors">
          <FieldErrors errors={rest} />
        </div>
      )}
      <ErrorNotice problems={problems} />
      <button type="submit" disabled={created.loading || updated.loading} data-testid="ad-order-submit">
        {editing ? 'Save changes' : 'Create order'}
      </button>
    </form>
  );
}
