"""Which goods ask a certificate of conformity and which a registration certificate (E20-2).

Edition 2020, item 6: a supplier is registered if it holds "(4) a certificate of conformity when
supplying goods subject to mandatory certification" ("міндетті сертификаттауға жататын") and
"(5) a registration certificate when supplying medical devices" ("медициналық бұйымдар"). The
classifier gains the two flags, maintained by operators in the admin; this migration sets them
for the items of ``portal/reference_data/classifier.json`` from the flags written there
(``mandatory_certification``, ``medical_device``). Groups and services carry neither flag.

How each item was decided, from its nature (operators correct an item in the admin when the
authorities' lists say otherwise):

* Medical devices, registered with the health authority and so not certified as consumer goods:
  the prosthetic and orthopaedic aids G01.01-G01.07 (limb and breast prostheses, orthoses,
  corsets and bandages, orthopaedic footwear made to prescription, crutches and walking sticks);
  hearing aids G02.01 and their custom-made ear moulds G02.02; talking thermometers and
  blood-pressure monitors G03.05 (measuring medical devices); the absorbent hygiene products,
  colostomy and urine bags and catheters G04.01-G04.06; every wheelchair G05.01-G05.05, powered
  ones included.
* Subject to mandatory certification: the electrical and electronic consumer devices that are
  not medical devices, under the customs-union technical regulations on low-voltage equipment and
  electromagnetic compatibility (TR CU 004/2011, 020/2011): television sets with teletext G02.03,
  telephones with text output G02.04, light and vibration signallers G02.05, talking wristwatches
  G03.02, talking-book players G03.04, electronic video magnifiers G03.06.
* Neither: the purely mechanical vision aids, tactile canes G03.01 and Braille frames and styluses
  G03.03.

Reversible: going back clears the flags, then the fields are removed.
"""

from django.db import migrations, models

from portal import reference_data


def set_flags(apps, schema_editor):
    reference_data.set_classifier_flags(apps.get_model("portal", "ClassifierItem"))


def clear_flags(apps, schema_editor):
    apps.get_model("portal", "ClassifierItem").objects.update(
        requires_conformity_certificate=False, is_medical_device=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_classifier"),
    ]

    operations = [
        migrations.AddField(
            model_name="classifieritem",
            name="is_medical_device",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Goods whose supplier must hold a registration certificate of a medical "
                    "device (edition 2020, item 6(5))."
                ),
                verbose_name="medical device",
            ),
        ),
        migrations.AddField(
            model_name="classifieritem",
            name="requires_conformity_certificate",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Goods whose supplier must hold a certificate of conformity (edition 2020, "
                    "item 6(4))."
                ),
                verbose_name="subject to mandatory certification",
            ),
        ),
        migrations.RunPython(set_flags, clear_flags),
    ]
