import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which Intel Exchange (CTIX) IOC type is linked to a Respond (CFTR) incident, and as which Respond threat-intel
 * type ("Map Data Fields" in Respond's CTIX integration). An IOC whose CTIX type has no row is not linked.
 */
@Entity({ name: 'indicator_type_mapping' })
export class IndicatorTypeMappingEntity {
  /** CTIX `ioc_type`, spelled as CTIX does (`ipv4-addr`, `SHA-256`). */
  @PrimaryColumn({ name: 'ctix_type', type: 'text' }) ctixType: string;
  /** Respond threat-intel type (`IP`, `Domain`, `SHA256`, …). */
  @Column({ name: 'cftr_field', type: 'text' }) cftrField: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
