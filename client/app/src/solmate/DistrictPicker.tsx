import { useState } from 'react';
import { useAdDistrictsQuery, type AdDistrict } from '../../../__generated__/hooks.ts';
import { ErrorNotice } from '../errors.tsx';

/** Districts from Query.adDistricts, by their Chinese names; none picked means no limit. */
export function DistrictPicker({
  value,
  onChange,
}: {
  value: AdDistrict[];
  onChange: (v: AdDistrict[]) => void;
}) {
  const districts = useAdDistrictsQuery();
  const [filter, setFilter] = useState('');
  const list = districts.data?.adDistricts ?? [];
  const shown = list.filter(
    (d) => filter === '' || d.name.includes(filter) || d.value.toLowerCase().includes(filter.toLowerCase()),
  );
  const toggle = (d: AdDistrict) =>
    onChange(value.includes(d) ? value.filter((x) => x !== d) : [...value, d]);
  return (
    <div className="districts" data-testid="district-picker">
      <ErrorNotice error={districts.error} />
      <div className="inline">
        <input
          aria-label="Filter districts"
          placeholder="filter: 台北, TAICHUNG…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted" data-testid="district-summary">
          {value.length === 0 ? 'no limit (every district)' : `${value.length} picked`}
        </span>
        {value.length > 0 && (
          <button type="button" onClick={() => onChange([])}>
            Clear
          </button>
        )}
      </div>
      <div className="district-grid">
        {shown.map((d) => (
          <label key={d.value} className="check" title={d.value}>
            <input
              type="checkbox"
              data-testid={`district-${d.value}`}
              checked={value.includes(d.value)}
              onChange={() => toggle(d.value)}
            />
            {d.name}
          </label>
        ))}
      </div>
    </div>
  );
}
