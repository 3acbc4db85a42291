from rest_framework import serializers

from .models import Equipment, Exercise, Muscle, Source


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, refusing a slug no row can have (a NUL byte) before PostgreSQL is asked, which would fail."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class MuscleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Muscle
        fields = ["slug", "name", "region"]


class EquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = ["slug", "name"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "title"]


class ExerciseListSerializer(serializers.ModelSerializer):
    primary_muscles = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    secondary_muscles = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    equipment = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:exercise-detail", lookup_field="slug")

    class Meta:
        model = Exercise
        fields = [
            "slug",
            "url",
            "name",
            "summary",
            "pattern",
            "unilateral",
            "ground_contacts_per_rep",
            "impact",
            "difficulty",
            "primary_muscles",
            "secondary_muscles",
            "equipment",
        ]


class ExerciseDetailSerializer(ExerciseListSerializer):
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField(), read_only=True)
    easier = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    harder = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    cues = serializers.ListField(child=serializers.CharField(), read_only=True)
    safety = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(ExerciseListSerializer.Meta):
        fields = ExerciseListSerializer.Meta.fields + [
            "aliases",
            "dosing",
            "reps_min",
            "reps_max",
            "duration_s",
            "steps",
            "cues",
            "safety",
            "easier",
            "harder",
            "sources",
        ]
