// SPDX-License-Identifier: GPL-2.0
/*
 * rig_gpio: an 8-line GPIO chip with no hardware behind it, for the project's qemu rig. User space
 * drives it through the GPIO character device (/dev/gpiochipN, label "rig-gpio"); the rig reads
 * back what reached the driver through read-only module parameters, which outlive the line request:
 *   /sys/module/rig_gpio/parameters/levels   bit n = line n's output level now
 *   /sys/module/rig_gpio/parameters/changes  output level changes, per line
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/gpio/driver.h>

#define RIG_GPIO_LINES 8

static unsigned long levels;
static unsigned long changes[RIG_GPIO_LINES];
static unsigned long outputs; /* bit n: line n is an output */
static int nchanges = RIG_GPIO_LINES;
module_param(levels, ulong, 0444);
MODULE_PARM_DESC(levels, "bit n: output level of line n");
module_param_array(changes, ulong, &nchanges, 0444);
MODULE_PARM_DESC(changes, "output level changes, per line");

static struct platform_device *rig_pdev;
static struct gpio_chip rig_chip;
static DEFINE_SPINLOCK(rig_lock);

static void rig_gpio_store(unsigned int offset, int value)
{
	unsigned long flags;
	bool was, now = value != 0;

	spin_lock_irqsave(&rig_lock, flags);
	was = test_bit(offset, &levels);
	if (was != now)
		changes[offset]++;
	if (now)
		__set_bit(offset, &levels);
	else
		__clear_bit(offset, &levels);
	spin_unlock_irqrestore(&rig_lock, flags);
}

static int rig_gpio_get(struct gpio_chip *chip, unsigned int offset)
{
	return test_bit(offset, &levels);
}

static void rig_gpio_set(struct gpio_chip *chip, unsigned int offset, int value)
{
	rig_gpio_store(offset, value);
}

static int rig_gpio_direction_output(struct gpio_chip *chip, unsigned int offset, int value)
{
	set_bit(offset, &outputs);
	rig_gpio_store(offset, value);
	return 0;
}

static int rig_gpio_direction_input(struct gpio_chip *chip, unsigned int offset)
{
	clear_bit(offset, &outputs);
	return 0;
}

static int rig_gpio_get_direction(struct gpio_chip *chip, unsigned int offset)
{
	return test_bit(offset, &outputs) ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static int __init rig_gpio_init(void)
{
	int ret;

	rig_pdev = platform_device_register_simple("rig-gpio", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(rig_pdev))
		return PTR_ERR(rig_pdev);
	rig_chip.label = "rig-gpio";
	rig_chip.parent = &rig_pdev->dev;
	rig_chip.owner = THIS_MODULE;
	rig_chip.base = -1;
	rig_chip.ngpio = RIG_GPIO_LINES;
	rig_chip.can_sleep = false;
	rig_chip.get = rig_gpio_get;
	rig_chip.set = rig_gpio_set;
	rig_chip.direction_input = rig_gpio_direction_input;
	rig_chip.direction_output = rig_gpio_direction_output;
	rig_chip.get_direction = rig_gpio_get_direction;
	ret = gpiochip_add_data(&rig_chip, NULL);
	if (ret) {
		platform_device_unregister(rig_pdev);
		return ret;
	}
	return 0;
}

static void __exit rig_gpio_exit(void)
{
	gpiochip_remove(&rig_chip);
	platform_device_unregister(rig_pdev);
}

module_init(rig_gpio_init);
module_exit(rig_gpio_exit);
MODULE_DESCRIPTION("GPIO chip that stores the levels it is given (test rig)");
MODULE_LICENSE("GPL");
