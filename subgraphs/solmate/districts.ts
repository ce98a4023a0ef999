import type { AdDistrict } from './__generated__/resolvers-types.ts';

/**
 * Every district of Solmate's parameter table, in the seed's order, with the Chinese name
 * Solmate expects on the wire. The schema repeats each name as the value's description (a
 * unit test keeps the two equal).
 */
export const AD_DISTRICTS: ReadonlyArray<readonly [AdDistrict, string]> = [
  ['TAIPEI_ZHONGSHAN_DATONG', '台北中山大同'],
  ['TAIPEI_XINYI_ANHE', '台北信義安和'],
  ['TAIPEI_XINYI_CITY_HALL', '台北信義市府'],
  ['TAIPEI_NANJING_BADE', '台北南京八德'],
  ['TAIPEI_SHILIN_TIANMU', '台北士林天母'],
  ['TAIPEI_DAZHI_NEIHU', '台北大直內湖'],
  ['TAIPEI_SHIDA_GONGGUAN', '台北師大公館'],
  ['TAIPEI_ZHONGXIAO_EAST_ROAD', '台北忠孝東路'],
  ['TAIPEI_MUZHA_ZHENGDA', '台北木柵政大'],
  ['TAIPEI_DONGMEN_YONGKANG', '台北東門永康'],
  ['TAIPEI_SONGJIANG_NANJING', '台北松江南京'],
  ['TAIPEI_MINSHENG_MINQUAN', '台北民生民權'],
  ['TAIPEI_YONGCHUN_NANGANG', '台北永春南港'],
  ['TAIPEI_XIMEN_MENGJIA', '台北西門艋舺'],
  ['NEW_TAIPEI_SANCHONG_LUZHOU', '新北三重蘆洲'],
  ['NEW_TAIPEI_ZHONGHE_YONGHE', '新北中和永和'],
  ['NEW_TAIPEI_XINZHUANG_TAISHAN', '新北新莊泰山'],
  ['NEW_TAIPEI_BANQIAO_TUCHENG', '新北板橋土城'],
  ['NEW_TAIPEI_XIZHI_STATION', '新北汐止車站'],
  ['TAOYUAN_ZHONGLI_DOWNTOWN', '桃園中壢市區'],
  ['HSINCHU_DOWNTOWN', '新竹市區'],
  ['TAICHUNG_DOWNTOWN', '台中市區'],
  ['TAINAN_DOWNTOWN', '台南市區'],
  ['KAOHSIUNG_DOWNTOWN', '高雄市區'],
  ['TAIPEI_JINGMEI_XINDIAN', '台北景美新店'],
  ['HSINCHU_STATION_DOWNTOWN', '新竹車站市區'],
  ['MIAOLI_TOUFEN_DOWNTOWN', '苗栗頭份市區'],
  ['TAOYUAN_STATION_DOWNTOWN', '桃園車站市區'],
  ['TAIPEI_ZHONGZHENG_MAIN_STATION', '台北中正站前'],
  ['YILAN_STATION_DOWNTOWN', '宜蘭車站市區'],
  ['PINGTUNG_DOWNTOWN', '屏東市區'],
  ['OTHER', '其他'],
];

const NAME_OF = new Map<AdDistrict, string>(AD_DISTRICTS);
// Upstream text may arrive with stray spaces or in a different Unicode normal form.
const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
const VALUE_OF = new Map<string, AdDistrict>(AD_DISTRICTS.map(([v, n]) => [norm(n), v]));

export const districtName = (d: AdDistrict): string | undefined => NAME_OF.get(d);
export const districtValue = (name: string): AdDistrict | undefined => VALUE_OF.get(norm(name));

export interface AdDistrictInfoRecord {
  value: AdDistrict;
  name: string;
}

export const districtInfos = (): AdDistrictInfoRecord[] =>
  AD_DISTRICTS.map(([value, name]) => ({ value, name }));
