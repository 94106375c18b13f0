/**
 * Organ names → the coded concepts a DICOM Segmentation gives each segment: SNOMED CT category,
 * type and laterality modifier (DICOM PS3.16 CID 7150 / 7151 / 7192 and CID 244). The codes are those
 * TotalSegmentator (resources/totalsegmentator_snomed_mapping.csv) and 3D Slicer's terminology give the
 * same structures, so a SEG from here reads like theirs in OHIF, Slicer and PACS; laterality is a type
 * modifier (Kidney + Right), as there, rather than a pre-coordinated "Right kidney".
 * A name with no entry gets the generic Tissue / Tissue and `known: false`.
 */

export interface CodedConcept {
  value: string;
  scheme: 'SCT';
  meaning: string;
}

export interface SegmentCodes {
  category: CodedConcept;
  type: CodedConcept;
  modifier?: CodedConcept;
  /** False when the name was not recognised and the generic Tissue code stands in. */
  known: boolean;
}

const sct = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'SCT', meaning });

const ANATOMY = sct('123037004', 'Anatomical Structure');
const TISSUE = sct('85756007', 'Tissue');
const ALTERED = sct('49755003', 'Morphologically Altered Structure');
const LEFT = sct('7771000', 'Left');
const RIGHT = sct('24028007', 'Right');

/** Structures by normalised name (laterality removed): [type code, meaning, category when not Anatomical Structure]. */
const TYPES: Record<string, [string, string, CodedConcept?]> = {
  spleen: ['78961009', 'Spleen'],
  kidney: ['64033007', 'Kidney'],
  gallbladder: ['28231008', 'Gallbladder'],
  liver: ['10200004', 'Liver'],
  stomach: ['69695003', 'Stomach'],
  pancreas: ['15776009', 'Pancreas'],
  adrenal_gland: ['23451007', 'Adrenal gland'],
  lung: ['39607008', 'Lung'],
  lung_upper_lobe: ['45653009', 'Upper lobe of lung'],
  lung_lower_lobe: ['90572001', 'Lower lobe of lung'],
  lung_middle_lobe_right: ['72481006', 'Middle lobe of right lung'],
  esophagus: ['32849002', 'Esophagus'],
  trachea: ['44567001', 'Trachea'],
  thyroid_gland: ['69748006', 'Thyroid gland'],
  small_bowel: ['30315005', 'Small Intestine'],
  duodenum: ['38848004', 'Duodenum'],
  colon: ['71854001', 'Colon'],
  urinary_bladder: ['89837001', 'Urinary bladder'],
  prostate: ['41216001', 'Prostate'],
  kidney_cyst: ['367643001', 'Cyst', ALTERED],
  sacrum: ['54735007', 'Sacrum'],
  heart: ['80891009', 'Heart'],
  heart_myocardium: ['74281007', 'Myocardium'],
  heart_atrium_left: ['82471001', 'Left atrium'],
  heart_atrium_right: ['73829009', 'Right atrium'],
  heart_ventricle_left: ['87878005', 'Left ventricle of heart'],
  heart_ventricle_right: ['53085002', 'Right ventricle of heart'],
  aorta: ['15825003', 'Aorta'],
  pulmonary_artery: ['81040000', 'Pulmonary artery'],
  pulmonary_vein: ['122972007', 'Pulmonary vein'],
  brachiocephalic_trunk: ['12691009', 'Brachiocephalic artery'],
  subclavian_artery: ['29700009', 'Subclavian artery'],
  common_carotid_artery: ['32062004', 'Common carotid artery'],
  brachiocephalic_vein: ['8887007', 'Brachiocephalic vein'],
  atrial_appendage: ['68786006', 'Auricular appendage'],
  superior_vena_cava: ['48345005', 'Superior vena cava'],
  inferior_vena_cava: ['64131007', 'Inferior vena cava'],
  portal_vein_and_splenic_vein: ['110765007', 'Portal vein and splenic vein'],
  iliac_artery: ['73634005', 'Common iliac artery'],
  iliac_vena: ['46027005', 'Common iliac vein'],
  humerus: ['85050009', 'Humerus'],
  scapula: ['79601000', 'Scapula'],
  clavicula: ['51299004', 'Clavicle'],
  femur: ['71341001', 'Femur'],
  hip: ['29836001', 'Hip'],
  spinal_cord: ['2748008', 'Spinal cord'],
  gluteus_maximus: ['181674001', 'Gluteus maximus muscle'],
  gluteus_medius: ['78333006', 'Gluteus medius muscle'],
  gluteus_minimus: ['75297007', 'Gluteus minimus muscle'],
  autochthon: ['244849004', 'Deep muscle of back'],
  iliopsoas: ['68455001', 'Iliopsoas muscle'],
  brain: ['12738006', 'Brain'],
  skull: ['89546000', 'Skull'],
  face: ['89545001', 'Face'],
  sternum: ['56873002', 'Sternum'],
  costal_cartilages: ['50016007', 'Costal cartilage'],
  vertebrae: ['51282000', 'Vertebra'],
  ribs: ['113197003', 'Rib'],
  bone: ['272673000', 'Bone', TISSUE],
  body: ['38266002', 'Entire body'],
};

/** Vertebrae by level (TotalSegmentator's vertebrae_L1 …). */
const VERTEBRAE: Record<string, [string, string]> = {
  C1: ['14806007', 'C1 vertebra'], C2: ['39976000', 'C2 vertebra'], C3: ['113205007', 'C3 vertebra'], C4: ['5329002', 'C4 vertebra'],
  C5: ['36978003', 'C5 vertebra'], C6: ['36054005', 'C6 vertebra'], C7: ['87391001', 'C7 vertebra'],
  T1: ['64864005', 'T1 vertebra'], T2: ['53733008', 'T2 vertebra'], T3: ['1626008', 'T3 vertebra'], T4: ['73071006', 'T4 vertebra'],
  T5: ['56401006', 'T5 vertebra'], T6: ['45296009', 'T6 vertebra'], T7: ['62487009', 'T7 vertebra'], T8: ['11068009', 'T8 vertebra'],
  T9: ['82687006', 'T9 vertebra'], T10: ['7610001', 'T10 vertebra'], T11: ['12989004', 'T11 vertebra'], T12: ['23215003', 'T12 vertebra'],
  L1: ['66794005', 'L1 vertebra'], L2: ['14293000', 'L2 vertebra'], L3: ['36470004', 'L3 vertebra'], L4: ['11994002', 'L4 vertebra'],
  L5: ['49668003', 'L5 vertebra'], S1: ['65985001', 'S1 vertebra'],
};

/** Ribs 1–12 (TotalSegmentator's rib_left_1 …). */
const RIBS: [string, string][] = [
  ['48535007', 'First rib'], ['78247007', 'Second rib'], ['25888004', 'Third rib'], ['25523003', 'Fourth rib'],
  ['15339008', 'Fifth rib'], ['59558009', 'Sixth rib'], ['24915002', 'Seventh rib'], ['5953002', 'Eighth rib'],
  ['22565002', 'Ninth rib'], ['77644006', 'Tenth rib'], ['58830002', 'Eleventh rib'], ['43993008', 'Twelfth rib'],
];

/** "Kidney Right", "right-kidney", "kidney_right" → "kidney_right". */
export function normaliseOrganName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s\-.]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

function fromTable(key: string, modifier?: CodedConcept): SegmentCodes | undefined {
  const t = TYPES[key];
  if (!t) return undefined;
  return { category: t[2] ?? ANATOMY, type: sct(t[0], t[1]), ...(modifier ? { modifier } : {}), known: true };
}

/** The codes of a segment called `name` (any case; "_", "-" or spaces between words; laterality first or last). */
export function segmentCodes(name: string): SegmentCodes {
  const n = normaliseOrganName(name);
  const whole = fromTable(n);
  if (whole) return whole;
  const vertebra = /^vertebrae?_([ctls]\d{1,2})$/.exec(n);
  if (vertebra && VERTEBRAE[vertebra[1].toUpperCase()]) {
    const [v, m] = VERTEBRAE[vertebra[1].toUpperCase()];
    return { category: ANATOMY, type: sct(v, m), known: true };
  }
  const rib = /^rib_(left|right)_(\d{1,2})$/.exec(n);
  if (rib && RIBS[Number(rib[2]) - 1]) {
    const [v, m] = RIBS[Number(rib[2]) - 1];
    return { category: ANATOMY, type: sct(v, m), modifier: rib[1] === 'left' ? LEFT : RIGHT, known: true };
  }
  const side = /^(?:(left|right)_(.+)|(.+)_(left|right))$/.exec(n);
  if (side) {
    const which = side[1] ?? side[4];
    const base = side[2] ?? side[3];
    // A kidney cyst's side belongs to the kidney, not to the cyst: no laterality modifier on "Cyst".
    const sided = fromTable(base, base === 'kidney_cyst' ? undefined : which === 'left' ? LEFT : RIGHT);
    if (sided) return sided;
  }
  return { category: TISSUE, type: sct('85756007', 'Tissue'), known: false };
}
