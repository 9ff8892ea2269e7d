import { Field, InputType, ObjectType } from 'type-graphql';
import { IndicatorTypeMapping } from './threat-cftr-incident.type.js';

/** Payloads of indicatorTypeMappingSet / indicatorTypeMappingRemove (the input + payload shape, README "API shapes"). */

@ObjectType({ description: 'What indicatorTypeMappingSet did' })
export class SetIndicatorTypeMappingPayload {
  @Field(() => IndicatorTypeMapping) mapping: IndicatorTypeMapping;
}

@InputType()
export class RemoveIndicatorTypeMappingInput {
  @Field({ description: 'CTIX IOC type (case-insensitive)' }) ctixType: string;
}

@ObjectType({ description: 'What indicatorTypeMappingRemove did' })
export class RemoveIndicatorTypeMappingPayload {
  @Field() ctixType: string;
  @Field({ description: 'True if a mapping was removed' }) removed: boolean;
}
