import type { VtEngineResult } from '../../sources/virustotal/wire.js';
import { stableFraction, stablePick } from '../kit/index.js';

/** URL/domain/IP scanners (blocklist engines). */
const URL_ENGINES = [
  'Abusix', 'Acronis', 'ADMINUSLabs', 'AILabs (MONITORAPP)', 'AlienVault', 'alphaMountain.ai', 'Antiy-AVL', 'Artists Against 419',
  'Avira', 'benkow.cc', 'Bfore.Ai PreCrime', 'BitDefender', 'Bkav', 'BlockList', 'Blueliv', 'Certego', 'Chong Lua Dao',
  'CINS Army', 'CMC Threat Intelligence', 'CRDF', 'Criminal IP', 'Cyan', 'Cyble', 'CyRadar', 'desenmascara.me', 'DNS8',
  'Dr.Web', 'Emsisoft', 'ESET', 'ESTsecurity', 'Forcepoint ThreatSeeker', 'Fortinet', 'G-Data', 'Google Safebrowsing',
  'GreenSnow', 'Gridinsoft', 'Heimdal Security', 'IPsum', 'Juniper Networks', 'K7AntiVirus', 'Kaspersky', 'Lionic',
  'Lumu', 'malwares.com URL checker', 'MalwarePatrol', 'MalwareURL', 'Netcraft', 'OpenPhish', 'Phishing Database',
  'PhishFort', 'PhishLabs', 'Phishtank', 'PREBYTES', 'PrecisionSec', 'Quick Heal', 'Quttera', 'Rising', 'SafeToOpen',
  'Sangfor', 'Scantitan', 'SCUMWARE.org', 'Seclookup', 'SecureBrain', 'Segasec', 'SOCRadar', 'Sophos', 'Spam404',
  'Spamhaus', 'StopForumSpam', 'Sucuri SiteCheck', 'ThreatHive', 'Threatsourcing', 'Trustwave', 'Underworld', 'URLhaus',
  'URLQuery', 'Viettel Threat Intelligence', 'VIPRE', 'VX Vault', 'Webroot', 'Xcitium Verdict Cloud', 'Yandex Safebrowsing',
  'ZeroCERT', 'ZeroFox',
];

/** File (anti-malware) engines. */
const FILE_ENGINES = [
  'Acronis', 'AhnLab-V3', 'Alibaba', 'ALYac', 'Antiy-AVL', 'Arcabit', 'Avast', 'Avast-Mobile', 'AVG', 'Avira', 'Baidu',
  'BitDefender', 'BitDefenderFalx', 'Bkav', 'ClamAV', 'CMC', 'CrowdStrike', 'Cylance', 'Cynet', 'DeepInstinct', 'DrWeb',
  'Elastic', 'Emsisoft', 'eScan', 'ESET-NOD32', 'Fortinet', 'GData', 'Google', 'Gridinsoft', 'Ikarus', 'Jiangmin', 'K7AntiVirus',
  'K7GW', 'Kaspersky', 'Kingsoft', 'Lionic', 'Malwarebytes', 'MaxSecure', 'McAfee', 'McAfeeD', 'MicroWorld-eScan', 'Microsoft',
  'NANO-Antivirus', 'Paloalto', 'Panda', 'QuickHeal', 'Rising', 'Sangfor', 'SentinelOne', 'Skyhigh', 'Sophos', 'SUPERAntiSpyware',
  'Symantec', 'SymantecMobileInsight', 'TACHYON', 'Tencent', 'Trapmine', 'TrendMicro', 'TrendMicro-HouseCall', 'Trellix',
  'VBA32', 'VIPRE', 'ViRobot', 'WithSecure', 'Xcitium', 'Yandex', 'Zillya', 'ZoneAlarm', 'Zoner',
];

const URL_THREAT_RESULTS = ['malicious', 'phishing', 'malware'] as const;

/**
 * `last_analysis_results` that agree with the stats: each counted engine gets one entry, engines shuffled stably
 * per object so the flagging ones differ between indicators.
 */
export function engineResults(value: string, kind: 'file' | 'other', stats: Record<string, number>, threatLabel: string): Record<string, VtEngineResult> {
  const names = [...(kind === 'file' ? FILE_ENGINES : URL_ENGINES)]
    .sort((a, b) => stableFraction(value, a) - stableFraction(value, b));
  const results: Record<string, VtEngineResult> = {};
  let next = 0;
  for (const [category, count] of Object.entries(stats)) {
    for (let i = 0; i < count; i += 1) {
      const name = names[next] ?? `Engine ${next + 1}`;
      next += 1;
      results[name] = kind === 'file'
        ? { category, engine_name: name, engine_version: '1.0.0.0', engine_update: '20240601', method: 'blacklist', result: fileResult(category, name, threatLabel) }
        : { category, engine_name: name, method: 'blacklist', result: urlResult(category, value, name) };
    }
  }
  return results;
}

function fileResult(category: string, engine: string, threatLabel: string): string | null {
  if (category !== 'malicious' && category !== 'suspicious') return null;
  const [kind, family] = threatLabel.split('.');
  return `${kind === 'ransomware' ? 'Ransom' : 'Trojan'}:Win32/${family ?? 'Generic'}.${engine.length % 9 === 0 ? 'gen' : 'A!ml'}`;
}

function urlResult(category: string, value: string, engine: string): string {
  switch (category) {
    case 'malicious':
      return stablePick(value, engine, URL_THREAT_RESULTS);
    case 'suspicious':
      return 'suspicious';
    case 'harmless':
      return 'clean';
    default:
      return 'unrated';
  }
}
